import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type LabRecordState } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from '../../config/env.schema';
import { APP_CONFIG } from '../../platform/app-config.token';
import { OutboxRelay } from '../../platform/commit/outbox-relay';
import { LOGGER } from '../../platform/platform.tokens';
import { ProjectionRegistry } from '../../platform/etcd-projection/projection-registry';
import { WorkerViewFactory } from '../workers';
import { labNotifications } from './infrastructure/lab-record.notifications';
import { LabRecordsInternalController } from './api/lab-records.internal.controller';
import { LabRecordsPublicController } from './api/lab-records.public.controller';
import { ArchiveLabHandler } from './application/commands/archive-lab.command';
import { BeginLabImportHandler } from './application/commands/begin-lab-import.command';
import { ClaimLabPortsHandler } from './application/commands/claim-lab-ports.command';
import { CloneLabHandler } from './application/commands/clone-lab.command';
import { CompleteLabActionHandler } from './application/commands/complete-lab-action.command';
import { DiscoverLabsHandler } from './application/commands/discover-labs.command';
import { FailLabActionHandler } from './application/commands/fail-lab-action.command';
import {
  FailStaleLabActionsCommand,
  FailStaleLabActionsHandler,
} from './application/commands/fail-stale-lab-actions.command';
import { ApplyWorkerLossHandler } from './application/commands/apply-worker-loss.command';
import { ObserveLabStatusHandler } from './application/commands/observe-lab-status.command';
import { RecordLabRunHandler } from './application/commands/record-lab-run.command';
import { RequestLabActionHandler } from './application/commands/request-lab-action.command';
import { UpdateLabTopologyHandler } from './application/commands/update-lab-topology.command';
import { LabRecordChanges } from './application/lab-record-changes';
import { ExportLabHandler } from './application/queries/export-lab.query';
import { GetLabRecordHandler } from './application/queries/get-lab-record.query';
import { GetLabTopologyHandler } from './application/queries/get-lab-topology.query';
import { ListLabRevisionsHandler, ListLabRunsHandler } from './application/queries/lab-history.query';
import { ListLabRecordsHandler } from './application/queries/list-lab-records.query';
import { ListLabSessionsHandler } from './application/queries/list-lab-sessions.query';
import { LabRecordsEtcdProjector } from './infrastructure/lab-records.etcd-projector';

/** Lab records (spec §3.4, §4.2): the dashboard's lab views and actions, the lablet-controller's lab routes. */
@Module({
  controllers: [LabRecordsPublicController, LabRecordsInternalController],
  providers: [
    LabRecordsEtcdProjector,
    LabRecordChanges,
    // The SSE view of a worker whose ports a lab claims (ClaimLabPortsHandler).
    WorkerViewFactory,
    ArchiveLabHandler,
    BeginLabImportHandler,
    ClaimLabPortsHandler,
    CloneLabHandler,
    CompleteLabActionHandler,
    DiscoverLabsHandler,
    FailLabActionHandler,
    FailStaleLabActionsHandler,
    ObserveLabStatusHandler,
    ApplyWorkerLossHandler,
    RecordLabRunHandler,
    RequestLabActionHandler,
    UpdateLabTopologyHandler,
    ExportLabHandler,
    GetLabRecordHandler,
    GetLabTopologyHandler,
    ListLabRevisionsHandler,
    ListLabRunsHandler,
    ListLabRecordsHandler,
    ListLabSessionsHandler,
  ],
})
export class LabRecordsModule implements OnModuleInit, OnApplicationShutdown {
  private staleSweep?: NodeJS.Timeout;

  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projector: LabRecordsEtcdProjector,
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projector);
    this.relay.register({
      collection: 'lab_records',
      project: (state) => this.projector.project(state as unknown as LabRecordState),
      notify: (events, state) => labNotifications(state as unknown as LabRecordState, events),
    });
    this.staleSweep = setInterval(() => {
      this.commands
        .execute(new FailStaleLabActionsCommand())
        .catch((error: unknown) => this.logger.error({ err: error }, 'stale lab action sweep failed'));
    }, this.config.LAB_ACTION_SWEEP_SECONDS * 1000);
    this.staleSweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.staleSweep);
  }
}
