import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  apiContract,
  type CapacitySummary,
  type CmlWorker,
  type LabRecordSummary,
  type LabletSession,
  type Page,
  type ScaleUpAccepted,
  type WorkerActivity,
  type WorkerCapacitySnapshot,
  type WorkerIdleStatus,
  type WorkerPorts,
  type WorkerRequestAccepted,
} from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { CancelDrainCommand } from '../application/commands/cancel-drain.command';
import { CreateWorkerCommand } from '../application/commands/create-worker.command';
import { DrainWorkerCommand } from '../application/commands/drain-worker.command';
import { ImportWorkerCommand } from '../application/commands/import-worker.command';
import { RequestLicenseOperationCommand } from '../application/commands/request-license-operation.command';
import { RequestScaleUpCommand } from '../application/commands/request-scale-up.command';
import { RequestWorkerRefreshCommand } from '../application/commands/request-worker-refresh.command';
import { SetDetailedMonitoringCommand } from '../application/commands/set-detailed-monitoring.command';
import { SetIdleDetectionCommand } from '../application/commands/set-idle-detection.command';
import { StartWorkerCommand } from '../application/commands/start-worker.command';
import { StopWorkerCommand } from '../application/commands/stop-worker.command';
import { TerminateWorkerCommand } from '../application/commands/terminate-worker.command';
import { UpdateWorkerTagsCommand } from '../application/commands/update-worker-tags.command';
import { GetCapacitySummaryQuery } from '../application/queries/get-capacity-summary.query';
import { RecalculateWorkerCapacityCommand } from '../application/commands/recalculate-worker-capacity.command';
import { GetWorkerActivityQuery } from '../application/queries/get-worker-activity.query';
import { GetWorkerCapacityQuery } from '../application/queries/get-worker-capacity.query';
import { GetWorkerIdleStatusQuery } from '../application/queries/get-worker-idle-status.query';
import { GetWorkerPortsQuery } from '../application/queries/get-worker-ports.query';
import { GetWorkerQuery } from '../application/queries/get-worker.query';
import { ListWorkerLabsQuery } from '../application/queries/list-worker-labs.query';
import { ListWorkerSessionsQuery } from '../application/queries/list-worker-sessions.query';
import { ListWorkersQuery } from '../application/queries/list-workers.query';

const routes = apiContract.public.workers;
type In<R extends keyof typeof routes> = ContractInput<(typeof routes)[R]>;

@Controller()
export class WorkersPublicController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.getCapacitySummary)
  capacitySummary(@Input() input: In<'getCapacitySummary'>): Promise<CapacitySummary> {
    return this.queries.execute(new GetCapacitySummaryQuery(input.query.aws_region));
  }

  @ContractRoute(routes.listWorkers)
  list(@Input() input: In<'listWorkers'>): Promise<Page<CmlWorker>> {
    return this.queries.execute(new ListWorkersQuery(input.query));
  }

  @ContractRoute(routes.createWorker)
  create(@Input() input: In<'createWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new CreateWorkerCommand(input.body, actor));
  }

  @ContractRoute(routes.importWorker)
  import(@Input() input: In<'importWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new ImportWorkerCommand(input.body, actor));
  }

  @ContractRoute(routes.scaleUp)
  scaleUp(@Input() input: In<'scaleUp'>, @Actor() actor: string): Promise<ScaleUpAccepted> {
    return this.commands.execute(new RequestScaleUpCommand(input.body, actor));
  }

  @ContractRoute(routes.getWorker)
  get(@Input() input: In<'getWorker'>): Promise<CmlWorker> {
    return this.queries.execute(new GetWorkerQuery(input.params.worker_id));
  }

  @ContractRoute(routes.terminateWorker)
  terminate(@Input() input: In<'terminateWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new TerminateWorkerCommand(input.params.worker_id, actor));
  }

  @ContractRoute(routes.startWorker)
  start(@Input() input: In<'startWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new StartWorkerCommand(input.params.worker_id, actor));
  }

  @ContractRoute(routes.stopWorker)
  stop(@Input() input: In<'stopWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new StopWorkerCommand(input.params.worker_id, actor, 'manual', 'manual'));
  }

  @ContractRoute(routes.drainWorker)
  drain(@Input() input: In<'drainWorker'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new DrainWorkerCommand(input.params.worker_id, input.body.reason, actor));
  }

  @ContractRoute(routes.cancelDrain)
  cancelDrain(@Input() input: In<'cancelDrain'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new CancelDrainCommand(input.params.worker_id, actor));
  }

  @ContractRoute(routes.recalculateCapacity)
  recalculateCapacity(@Input() input: In<'recalculateCapacity'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new RecalculateWorkerCapacityCommand(input.params.worker_id, actor));
  }

  @ContractRoute(routes.getCapacity)
  capacity(@Input() input: In<'getCapacity'>): Promise<WorkerCapacitySnapshot> {
    return this.queries.execute(new GetWorkerCapacityQuery(input.params.worker_id));
  }

  @ContractRoute(routes.getPorts)
  ports(@Input() input: In<'getPorts'>): Promise<WorkerPorts> {
    return this.queries.execute(new GetWorkerPortsQuery(input.params.worker_id));
  }

  @ContractRoute(routes.listWorkerSessions)
  sessions(@Input() input: In<'listWorkerSessions'>): Promise<Page<LabletSession>> {
    return this.queries.execute(new ListWorkerSessionsQuery(input.params.worker_id, input.query, 'public'));
  }

  @ContractRoute(routes.listWorkerLabs)
  labs(@Input() input: In<'listWorkerLabs'>): Promise<Page<LabRecordSummary>> {
    return this.queries.execute(new ListWorkerLabsQuery(input.params.worker_id, input.query));
  }

  @ContractRoute(routes.getActivity)
  activity(@Input() input: In<'getActivity'>): Promise<WorkerActivity> {
    return this.queries.execute(new GetWorkerActivityQuery(input.params.worker_id));
  }

  @ContractRoute(routes.getIdleStatus)
  idleStatus(@Input() input: In<'getIdleStatus'>): Promise<WorkerIdleStatus> {
    return this.queries.execute(new GetWorkerIdleStatusQuery(input.params.worker_id));
  }

  @ContractRoute(routes.refreshWorker)
  refresh(@Input() input: In<'refreshWorker'>, @Actor() actor: string): Promise<WorkerRequestAccepted> {
    return this.commands.execute(new RequestWorkerRefreshCommand(input.params.worker_id, actor));
  }

  @ContractRoute(routes.updateTags)
  tags(@Input() input: In<'updateTags'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new UpdateWorkerTagsCommand(input.params.worker_id, input.body.tags, actor));
  }

  @ContractRoute(routes.registerLicense)
  registerLicense(@Input() input: In<'registerLicense'>, @Actor() actor: string): Promise<CmlWorker> {
    const { token, reregister } = input.body;
    return this.commands.execute(
      new RequestLicenseOperationCommand(
        input.params.worker_id,
        { operation: 'register', token, reregister },
        actor,
      ),
    );
  }

  @ContractRoute(routes.deregisterLicense)
  deregisterLicense(@Input() input: In<'deregisterLicense'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(
      new RequestLicenseOperationCommand(input.params.worker_id, { operation: 'deregister' }, actor),
    );
  }

  @ContractRoute(routes.enableIdleDetection)
  enableIdleDetection(@Input() input: In<'enableIdleDetection'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(new SetIdleDetectionCommand(input.params.worker_id, true, actor));
  }

  @ContractRoute(routes.disableIdleDetection)
  disableIdleDetection(
    @Input() input: In<'disableIdleDetection'>,
    @Actor() actor: string,
  ): Promise<CmlWorker> {
    return this.commands.execute(new SetIdleDetectionCommand(input.params.worker_id, false, actor));
  }

  @ContractRoute(routes.setMonitoring)
  monitoring(@Input() input: In<'setMonitoring'>, @Actor() actor: string): Promise<CmlWorker> {
    return this.commands.execute(
      new SetDetailedMonitoringCommand(input.params.worker_id, input.body.detailed_monitoring_enabled, actor),
    );
  }
}
