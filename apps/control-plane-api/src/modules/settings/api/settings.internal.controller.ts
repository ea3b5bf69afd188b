import { Controller, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { apiContract, type SystemSettings } from '@lcm/contracts';
import { ContractRoute } from '../../../platform/http/contract-route';
import { GetSettingsQuery } from '../application/queries/get-settings.query';

const routes = apiContract.internal.settings;

/** The settings the controllers act on (spec §3.8): scaling, idle detection, monitoring, discovery. */
@Controller()
export class SettingsInternalController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @ContractRoute(routes.getSettings)
  getSettings(): Promise<SystemSettings> {
    return this.queries.execute(new GetSettingsQuery());
  }
}
