import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { apiContract, type SystemSettings } from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { UpdateSettingsCommand } from '../application/commands/update-settings.command';
import { GetSettingsQuery } from '../application/queries/get-settings.query';

const routes = apiContract.public.settings;

@Controller()
export class SettingsPublicController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.getSettings)
  getSettings(): Promise<SystemSettings> {
    return this.queries.execute(new GetSettingsQuery());
  }

  @ContractRoute(routes.updateSettings)
  updateSettings(
    @Input() input: ContractInput<typeof routes.updateSettings>,
    @Actor() actor: string,
  ): Promise<SystemSettings> {
    return this.commands.execute(new UpdateSettingsCommand(input.body, actor));
  }
}
