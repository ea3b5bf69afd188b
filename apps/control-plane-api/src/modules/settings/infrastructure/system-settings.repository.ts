import { type Db } from 'mongodb';
import { type Clock, SystemSettings, type SystemSettingsState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';

export class SystemSettingsRepository extends AggregateRepository<SystemSettingsState, SystemSettings> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, { collection: 'system_settings', entity: 'system settings', hydrate: (state, c) => SystemSettings.fromState(state, c) });
  }
}
