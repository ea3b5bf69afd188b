import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type SystemSettings } from '@lcm/contracts';
import { SystemSettingsRepository } from '../../infrastructure/system-settings.repository';
import { toSettingsView } from '../../infrastructure/settings.views';

export class GetSettingsQuery extends Query<SystemSettings> {}

@QueryHandler(GetSettingsQuery)
export class GetSettingsHandler implements IQueryHandler<GetSettingsQuery> {
  constructor(@Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository) {}

  async execute(): Promise<SystemSettings> {
    return toSettingsView((await this.settings.loadOrCreateDefault()).toState());
  }
}
