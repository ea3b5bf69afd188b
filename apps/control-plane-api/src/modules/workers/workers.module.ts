import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { type Clock, type CmlWorkerState } from '@lcm/domain';
import { OutboxRelay } from '../../platform/commit/outbox-relay';
import { CLOCK } from '../../platform/platform.tokens';
import { SnapshotRegistry } from '../../platform/change-events/snapshot-registry';
import { ProjectionRegistry } from '../../platform/etcd-projection/projection-registry';
import { SessionsModule } from '../sessions';
import { WorkersInternalController } from './api/workers.internal.controller';
import { WorkersPublicController } from './api/workers.public.controller';
import { CancelDrainHandler } from './application/commands/cancel-drain.command';
import { ClearLabDiscoveryRequestHandler } from './application/commands/clear-lab-discovery-request.command';
import { CompleteLicenseOperationHandler } from './application/commands/complete-license-operation.command';
import { CreateWorkerHandler } from './application/commands/create-worker.command';
import { DrainWorkerHandler } from './application/commands/drain-worker.command';
import { ImportWorkerHandler } from './application/commands/import-worker.command';
import { RecalculateWorkerCapacityHandler } from './application/commands/recalculate-worker-capacity.command';
import { ReportWorkerActivityHandler } from './application/commands/report-worker-activity.command';
import { ReportWorkerMetricsHandler } from './application/commands/report-worker-metrics.command';
import { ReportWorkerStateHandler } from './application/commands/report-worker-state.command';
import { RequestLabDiscoveryHandler } from './application/commands/request-lab-discovery.command';
import { RequestLicenseOperationHandler } from './application/commands/request-license-operation.command';
import { RequestScaleUpHandler } from './application/commands/request-scale-up.command';
import { RequestWorkerRefreshHandler } from './application/commands/request-worker-refresh.command';
import { SetDetailedMonitoringHandler } from './application/commands/set-detailed-monitoring.command';
import { SetIdleDetectionHandler } from './application/commands/set-idle-detection.command';
import { StartWorkerHandler } from './application/commands/start-worker.command';
import { StopWorkerHandler } from './application/commands/stop-worker.command';
import { TerminateWorkerHandler } from './application/commands/terminate-worker.command';
import { UpdateWorkerTagsHandler } from './application/commands/update-worker-tags.command';
import { GetWorkerActivityHandler } from './application/queries/get-worker-activity.query';
import { GetWorkerCapacityHandler } from './application/queries/get-worker-capacity.query';
import { GetWorkerIdleStatusHandler } from './application/queries/get-worker-idle-status.query';
import { GetWorkerPortsHandler } from './application/queries/get-worker-ports.query';
import { GetWorkerHandler } from './application/queries/get-worker.query';
import { GetCapacitySummaryHandler } from './application/queries/get-capacity-summary.query';
import { ListWorkerCapacityHandler } from './application/queries/list-worker-capacity.query';
import { ListWorkerLabsHandler } from './application/queries/list-worker-labs.query';
import { ListWorkerSessionsHandler } from './application/queries/list-worker-sessions.query';
import { ListWorkersHandler } from './application/queries/list-workers.query';
import { WorkerChanges } from './application/worker-changes';
import { CapacityReconciler } from './application/capacity-reconciler';
import { WorkerViewFactory } from './infrastructure/worker-view-factory';
import { WorkerStatusCascade } from './application/worker-status-cascade';
import { CmlWorkerRepository } from './infrastructure/cml-worker.repository';
import { WorkersEtcdProjector } from './infrastructure/workers.etcd-projector';
import { workerNotifications } from './infrastructure/cml-worker.views';

/** Bounds the SSE snapshot; a dashboard pages the API for the rest. */
const SNAPSHOT_LIMIT = 1000;

/**
 * CML workers (spec §3.5, §4.3): the fleet's lifecycle over the public and internal API, the
 * `/lcm/workers/*` etcd projection, `worker.*` SSE events and the STOPPED/TERMINATED cascades.
 */
@Module({
  imports: [SessionsModule],
  controllers: [WorkersPublicController, WorkersInternalController],
  providers: [
    WorkerViewFactory,
    WorkerStatusCascade,
    WorkerChanges,
    CreateWorkerHandler,
    ImportWorkerHandler,
    RequestScaleUpHandler,
    TerminateWorkerHandler,
    StartWorkerHandler,
    StopWorkerHandler,
    DrainWorkerHandler,
    CancelDrainHandler,
    RecalculateWorkerCapacityHandler,
    CapacityReconciler,
    RequestWorkerRefreshHandler,
    UpdateWorkerTagsHandler,
    RequestLicenseOperationHandler,
    CompleteLicenseOperationHandler,
    SetIdleDetectionHandler,
    SetDetailedMonitoringHandler,
    ReportWorkerStateHandler,
    ReportWorkerMetricsHandler,
    ReportWorkerActivityHandler,
    RequestLabDiscoveryHandler,
    ClearLabDiscoveryRequestHandler,
    ListWorkersHandler,
    GetWorkerHandler,
    GetWorkerCapacityHandler,
    ListWorkerCapacityHandler,
    GetCapacitySummaryHandler,
    GetWorkerPortsHandler,
    ListWorkerSessionsHandler,
    ListWorkerLabsHandler,
    GetWorkerActivityHandler,
    GetWorkerIdleStatusHandler,
  ],
})
export class WorkersModule implements OnModuleInit {
  constructor(
    @Inject(ProjectionRegistry) private readonly projections: ProjectionRegistry,
    @Inject(SnapshotRegistry) private readonly snapshots: SnapshotRegistry,
    @Inject(WorkersEtcdProjector) private readonly projector: WorkersEtcdProjector,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WorkerViewFactory) private readonly views: WorkerViewFactory,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projector);
    this.relay.register({
      collection: this.workers.collection.collectionName,
      project: (state) => this.projector.project(state as unknown as CmlWorkerState),
      notify: (events, state) =>
        workerNotifications(events, this.views.of(state as unknown as CmlWorkerState)),
    });
    this.snapshots.register(async () => {
      const states = await this.workers.findSnapshotStates(SNAPSHOT_LIMIT);
      const items = states.map((state) => this.views.of(state));
      return [{ type: 'worker.snapshot', data: { items }, at: this.clock.now().toISOString() }];
    });
  }
}
