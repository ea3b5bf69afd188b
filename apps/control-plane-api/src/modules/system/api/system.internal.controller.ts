import { Controller, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { apiContract, type SessionUnschedulableAccepted } from '@lcm/contracts';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { ReportUnschedulableSessionCommand } from '../application/commands/report-unschedulable-session.command';

const routes = apiContract.internal.scheduler;

/** What the resource-scheduler reports to the control plane (the public scheduler views are proxied the other way). */
@Controller()
export class SystemInternalController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @ContractRoute(routes.reportUnschedulable)
  reportUnschedulable(
    @Input() { body }: ContractInput<typeof routes.reportUnschedulable>,
  ): Promise<SessionUnschedulableAccepted> {
    return this.commands.execute(new ReportUnschedulableSessionCommand(body));
  }
}
