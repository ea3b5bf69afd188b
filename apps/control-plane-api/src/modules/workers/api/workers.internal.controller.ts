import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  apiContract,
  type CmlWorker,
  type LabletSession,
  type Page,
  type ScaleUpAccepted,
  type WorkerCapacitySnapshot,
  type WorkerIdleStatus,
  type WorkerRequestAccepted,
} from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { ClearLabDiscoveryRequestCommand } from '../application/commands/clear-lab-discovery-request.command';
import { CompleteLicenseOperationCommand } from '../application/commands/complete-license-operation.command';
import { DrainWorkerCommand } from '../application/commands/drain-worker.command';
import { ImportWorkerCommand } from '../application/commands/import-worker.command';
import { ReportWorkerActivityCommand } from '../application/commands/report-worker-activity.command';
import { ReportWorkerMetricsCommand } from '../application/commands/report-worker-metrics.command';
import { ReportWorkerStateCommand } from '../application/commands/report-worker-state.command';
import { RequestLabDiscoveryCommand } from '../application/commands/request-lab-discovery.command';
import { RequestScaleUpCommand } from '../application/commands/request-scale-up.command';
import { StopWorkerCommand } from '../application/commands/stop-worker.command';
import { GetWorkerQuery } from '../application/queries/get-worker.query';
import { ListWorkerCapacityQuery } from '../application/queries/list-worker-capacity.query';
import { ListWorkerSessionsQuery } from '../application/queries/list-worker-sessions.query';
import { ListWorkersQuery } from '../application/queries/list-workers.query';

const routes = apiContract.internal.workers;
type In<R extends keyof typeof routes> = ContractInput<(typeof routes)[R]>;

@Controller()
export class WorkersInternalController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.listWorkers)
  list(@Input() input: In<'listWorkers'>): Promise<Page<CmlWorker>> {
    return this.queries.execute(new ListWorkersQuery(input.query));
  }

  @ContractRoute(routes.listCapacity)
  capacity(@Input() input: In<'listCapacity'>): Promise<Page<WorkerCapacitySnapshot>> {
    return this.queries.execute(new ListWorkerCapacityQuery(input.query));
  }

  @ContractRoute(routes.scaleUp)
  scaleUp(@Input() input: In<'scaleUp'>, @Actor() actor: string): Promise<ScaleUpAccepted> {
    return this.commands.execute(new RequestScaleUpCommand(input.body, actor));
  }

  @ContractRoute(routes.importWorker)
  import(@Input() input: In<'importWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new ImportWorkerCommand(input.body, actor));
  }

  @ContractRoute(routes.getWorker)
  get(@Input() input: In<'getWorker'>): Promise<CmlWorker> {
    return this.queries.execute(new GetWorkerQuery(input.params.worker_id));
  }

  @ContractRoute(routes.patchWorker)
  patch(@Input() input: In<'patchWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new ReportWorkerStateCommand(input.params.worker_id, input.body, actor));
  }

  @ContractRoute(routes.reportMetrics)
  metrics(@Input() input: In<'reportMetrics'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new ReportWorkerMetricsCommand(input.params.worker_id, input.body, actor));
  }

  @ContractRoute(routes.reportActivity)
  activity(@Input() input: In<'reportActivity'>, @Actor() actor: string): Promise<WorkerIdleStatus> {
    return this.commands.execute(new ReportWorkerActivityCommand(input.params.worker_id, input.body, actor));
  }

  @ContractRoute(routes.drainWorker)
  drain(@Input() input: In<'drainWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new DrainWorkerCommand(input.params.worker_id, input.body.reason, actor));
  }

  @ContractRoute(routes.stopWorker)
  stop(@Input() input: In<'stopWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(
      new StopWorkerCommand(input.params.worker_id, actor, input.body.reason ?? null),
    );
  }

  @ContractRoute(routes.listWorkerSessions)
  sessions(@Input() input: In<'listWorkerSessions'>): Promise<Page<LabletSession>> {
    return this.queries.execute(new ListWorkerSessionsQuery(input.params.worker_id, input.query, 'internal'));
  }

  @ContractRoute(routes.completeLicenseOperation)
  completeLicense(
    @Input() input: In<'completeLicenseOperation'>,
    @Actor() actor: string,
  ): Promise<CmlWorker> {
    return this.commands.execute(
      new CompleteLicenseOperationCommand(input.params.worker_id, input.body, actor),
    );
  }

  @ContractRoute(routes.requestLabDiscovery)
  requestLabDiscovery(
    @Input() input: In<'requestLabDiscovery'>,
    @Actor() actor: string,
  ): Promise<WorkerRequestAccepted> {
    return this.commands.execute(
      new RequestLabDiscoveryCommand(input.params.worker_id, input.body.lab_ids, actor),
    );
  }

  @ContractRoute(routes.clearLabDiscoveryRequest)
  clearLabDiscovery(@Input() input: In<'clearLabDiscoveryRequest'>, @Actor() actor: string): Promise<void> {
    return this.commands.execute(new ClearLabDiscoveryRequestCommand(input.params.worker_id, actor));
  }
}
