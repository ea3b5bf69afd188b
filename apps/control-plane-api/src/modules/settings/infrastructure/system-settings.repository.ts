import { type Db } from 'mongodb';
import { type Clock, SYSTEM_SETTINGS_ID, SystemSettings, type SystemSettingsState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';
import { DuplicateDocumentError } from '../../../platform/mongo/versioned-collection';

export class SystemSettingsRepository extends AggregateRepository<SystemSettingsState, SystemSettings> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'system_settings',
      entity: 'system settings',
      hydrate: (state, c) => SystemSettings.fromState(state, c),
    });
  }

  /** The singleton; created with the spec's defaults on first use. Concurrent first reads all get the one stored. */
  async loadOrCreateDefault(): Promise<SystemSettings> {
    const existing = await this.findById(SYSTEM_SETTINGS_ID);
    if (existing) return existing;
    try {
      await this.save(SystemSettings.createDefault(this.clock));
    } catch (error) {
      if (!(error instanceof DuplicateDocumentError)) throw error;
    }
    return this.getById(SYSTEM_SETTINGS_ID);
  }
}
