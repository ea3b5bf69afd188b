import { Controller, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { type FastifyRequest } from 'fastify';
import {
  apiContract,
  type CurrentUser,
  type Page,
  type PendingPlacement,
  type SchedulerStatus,
  type SystemHealth,
} from '@lcm/contracts';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import {
  RequestSchedulerActionCommand,
  type SchedulerRequestAccepted,
} from '../application/commands/request-scheduler-action.command';
import { GetSchedulerStatusQuery } from '../application/queries/get-scheduler-status.query';
import { GetSystemHealthQuery } from '../application/queries/get-system-health.query';
import { ListPendingPlacementsQuery } from '../application/queries/list-pending-placements.query';

const routes = apiContract.public.system;

@Controller()
export class SystemPublicController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.getSystemHealth)
  health(): Promise<SystemHealth> {
    return this.queries.execute(new GetSystemHealthQuery());
  }

  @ContractRoute(routes.getSchedulerStatus)
  schedulerStatus(): Promise<SchedulerStatus> {
    return this.queries.execute(new GetSchedulerStatusQuery());
  }

  @ContractRoute(routes.listPendingPlacements)
  pendingPlacements(
    @Input() { query }: ContractInput<typeof routes.listPendingPlacements>,
  ): Promise<Page<PendingPlacement>> {
    return this.queries.execute(new ListPendingPlacementsQuery(query));
  }

  @ContractRoute(routes.triggerSchedulerReconcile)
  reconcile(): Promise<SchedulerRequestAccepted> {
    return this.commands.execute(new RequestSchedulerActionCommand('reconcile'));
  }

  @ContractRoute(routes.resignSchedulerLeadership)
  resign(): Promise<SchedulerRequestAccepted> {
    return this.commands.execute(new RequestSchedulerActionCommand('resign'));
  }

  /** Bearer tokens carry subject and roles only; name and e-mail are not known here. */
  @ContractRoute(routes.getCurrentUser)
  me(@Req() request: FastifyRequest): CurrentUser {
    const actor = request.actor;
    return { username: actor?.name ?? 'anonymous', name: null, email: null, roles: actor?.roles ?? [] };
  }
}
