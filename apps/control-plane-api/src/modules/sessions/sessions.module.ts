import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { type Clock, type LabletSessionState } from '@lcm/domain';
import { OutboxRelay } from '../../platform/commit/outbox-relay';
import { CLOCK, ETCD_CLIENT } from '../../platform/platform.tokens';
import { SnapshotRegistry } from '../../platform/change-events/snapshot-registry';
import { ProjectionRegistry } from '../../platform/etcd-projection/projection-registry';
import { SessionChanges } from './application/session-changes';
import { WorkerPlacements } from './application/worker-placements';
import { ScheduleSessionsBatchHandler } from './application/commands/schedule-sessions-batch.command';
import { CreateSessionHandler } from './application/commands/create-session.command';
import { TransitionSessionHandler } from './application/commands/transition-session.command';
import { ExtendTimeslotHandler } from './application/commands/extend-timeslot.command';
import { ScheduleSessionHandler } from './application/commands/schedule-session.command';
import { BindSessionLabHandler } from './application/commands/bind-session-lab.command';
import { UpdatePipelineProgressHandler } from './application/commands/update-pipeline-progress.command';
import { MarkCleanupCompletedHandler } from './application/commands/mark-cleanup-completed.command';
import { CreateGradingSessionHandler } from './application/commands/create-grading-session.command';
import { CreateScoreReportHandler } from './application/commands/create-score-report.command';
import { CreateUserSessionHandler } from './application/commands/create-user-session.command';
import { MarkReadyHandler } from './application/commands/mark-ready.command';
import { UpdateGradingSessionStatusHandler } from './application/commands/update-grading-session-status.command';
import { UpdateUserSessionStatusHandler } from './application/commands/update-user-session-status.command';
import { FindGradingSessionsHandler } from './application/queries/find-grading-sessions.query';
import { FindUserSessionsHandler } from './application/queries/find-user-sessions.query';
import { GetGradingSessionHandler } from './application/queries/get-grading-session.query';
import { GetScoreReportHandler } from './application/queries/get-score-report.query';
import { GetSessionHandler } from './application/queries/get-session.query';
import { GetUserSessionHandler } from './application/queries/get-user-session.query';
import { ListScoreReportsHandler } from './application/queries/list-score-reports.query';
import { ListSessionsHandler } from './application/queries/list-sessions.query';
import { ReconcilableSessionsHandler } from './application/queries/reconcilable-sessions.query';
import { SessionResourceRelease } from './application/session-resources';
import { sessionSnapshot } from './application/session-snapshot';
import { SessionsInternalController } from './api/sessions.internal.controller';
import { SessionsPublicController } from './api/sessions.public.controller';
import { SessionEtcdProjector } from './infrastructure/sessions.etcd-projector';
import { LabletSessionRepository } from './infrastructure/session.repositories';

/**
 * Sessions bounded context: LabletSession lifecycle and its children over the public and internal
 * API, with the `/lcm/sessions/*` etcd projection and the `lablet_session.*` SSE events.
 * Each command loads the aggregates, lets the domain decide, saves with version checks and hands
 * what was committed to SessionChanges (audit, etcd, SSE).
 */
@Module({
  controllers: [SessionsPublicController, SessionsInternalController],
  providers: [
    {
      provide: SessionEtcdProjector,
      useFactory: (etcd: Etcd3, sessions: LabletSessionRepository) =>
        new SessionEtcdProjector(etcd, sessions),
      inject: [ETCD_CLIENT, LabletSessionRepository],
    },
    SessionChanges,
    SessionResourceRelease,
    CreateSessionHandler,
    TransitionSessionHandler,
    ExtendTimeslotHandler,
    ScheduleSessionHandler,
    ScheduleSessionsBatchHandler,
    WorkerPlacements,
    BindSessionLabHandler,
    UpdatePipelineProgressHandler,
    MarkCleanupCompletedHandler,
    MarkReadyHandler,
    CreateUserSessionHandler,
    UpdateUserSessionStatusHandler,
    CreateGradingSessionHandler,
    UpdateGradingSessionStatusHandler,
    CreateScoreReportHandler,
    GetSessionHandler,
    ListSessionsHandler,
    ReconcilableSessionsHandler,
    GetUserSessionHandler,
    GetGradingSessionHandler,
    GetScoreReportHandler,
    ListScoreReportsHandler,
    FindUserSessionsHandler,
    FindGradingSessionsHandler,
  ],
  exports: [SessionEtcdProjector],
})
export class SessionsModule implements OnModuleInit {
  constructor(
    @Inject(ProjectionRegistry) private readonly projections: ProjectionRegistry,
    @Inject(SnapshotRegistry) private readonly snapshots: SnapshotRegistry,
    @Inject(SessionEtcdProjector) private readonly projector: SessionEtcdProjector,
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projector);
    this.relay.register({
      collection: this.sessions.collection.collectionName,
      project: (state) => this.projector.project(state as unknown as LabletSessionState),
      notify: (events, state) => this.changes.notificationsOf('sessions', events, state),
    });
    for (const [collection, part] of [
      ['user_sessions', 'userSessions'],
      ['grading_sessions', 'gradingSessions'],
      ['score_reports', 'scoreReports'],
    ] as const)
      this.relay.register({
        collection,
        notify: (events, state) => this.changes.notificationsOf(part, events, state),
      });
    this.snapshots.register(async () => [
      {
        type: 'lablet_session.snapshot',
        data: { items: await sessionSnapshot(this.sessions) },
        at: this.clock.now().toISOString(),
      },
    ]);
  }
}
