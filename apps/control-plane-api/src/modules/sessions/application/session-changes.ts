import { Inject, Injectable } from '@nestjs/common';
import { type SseEventData, type SseEventType } from '@lcm/contracts';
import {
  type Clock,
  type CmlWorkerState,
  type DomainEvent,
  type GradingSessionState,
  type LabRecordState,
  LABLET_SESSION_STATUS_EVENTS,
  type LabletSession,
  type LabletSessionState,
  type ScoreReportState,
  type SessionStatusChanged,
  type UserSession,
  type UserSessionState,
} from '@lcm/domain';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import {
  AggregateChanges,
  type AggregateCommitRecorder,
  aggregateStore,
} from '../../../platform/mongo/unit-of-work';
import { CLOCK } from '../../../platform/platform.tokens';
import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { WorkersEtcdProjector } from '../../workers';
import { LabletSessionRepository, UserSessionRepository } from '../infrastructure/session.repositories';
import { SessionEtcdProjector } from '../infrastructure/sessions.etcd-projector';
import { gradingSessionWithoutSecrets, userSessionWithoutSecrets } from './session-secrets';
import {
  type ScoreReportExtras,
  toGradingSessionView,
  toScoreReportView,
  toSessionView,
  toUserSessionView,
} from '../infrastructure/session.views';

/** Everything one command committed, by aggregate kind. */
export interface SessionCommit {
  actor: string;
  sessions?: Committed<LabletSessionState>[];
  workers?: Committed<CmlWorkerState>[];
  labs?: Committed<LabRecordState>[];
  userSessions?: Committed<UserSessionState>[];
  gradingSessions?: Committed<GradingSessionState>[];
  scoreReports?: Committed<ScoreReportState & Partial<ScoreReportExtras>>[];
}

const STATUS_EVENT_TYPES = new Set<string>(
  Object.values(LABLET_SESSION_STATUS_EVENTS).filter((type) => type !== 'lablet_session.created'),
);

/**
 * After-commit work of the sessions context: audit entries for every domain event, the etcd
 * projection of the sessions and workers touched, and the SSE notifications of spec §8.2. A
 * command that changes the lablet session (or the user session) alone does it through
 * `sessions` (`userSessions`), AggregateChanges; commands that change several aggregates together save them on their own
 * path and hand everything they committed to `record` at once (docs/decisions/unit-of-work.md).
 */
@Injectable()
export class SessionChanges {
  /** The lablet session alone (a new one: `save`; a taken reservation_id is a DuplicateDocumentError). */
  readonly sessions: AggregateChanges<LabletSession, LabletSessionState>;
  /** The user session alone. */
  readonly userSessions: AggregateChanges<UserSession, UserSessionState>;

  constructor(
    @Inject(LabletSessionRepository) sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) userSessions: UserSessionRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(SessionEtcdProjector) private readonly sessionKeys: SessionEtcdProjector,
    @Inject(WorkersEtcdProjector) private readonly workerKeys: WorkersEtcdProjector,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.sessions = new AggregateChanges<LabletSession, LabletSessionState>(
      aggregateStore(sessions),
      this.recorder('sessions'),
    );
    this.userSessions = new AggregateChanges<UserSession, UserSessionState>(
      aggregateStore(userSessions),
      this.recorder('userSessions'),
    );
  }

  /** What AggregateChanges committed for one aggregate kind goes where `record` puts that kind. */
  private recorder<K extends 'sessions' | 'userSessions'>(
    part: K,
  ): AggregateCommitRecorder<unknown, NonNullable<SessionCommit[K]>[number]['state']> {
    return { recordCommit: (committed, actor) => this.record({ actor, [part]: [committed] }) };
  }

  async record(commit: SessionCommit): Promise<void> {
    const all = [
      commit.sessions,
      commit.workers,
      commit.labs,
      commit.userSessions,
      commit.gradingSessions,
      commit.scoreReports,
    ];
    const events = all.flatMap((part) => (part ?? []).flatMap((committed) => committed.events));
    if (events.length === 0) return;
    await this.commits.record({
      events,
      actor: commit.actor,
      notificationStreams: this.notifications(commit),
      project: async () => {
        await Promise.all([
          this.sessionKeys.projectAll((commit.sessions ?? []).map((committed) => committed.state)),
          ...(commit.workers ?? []).map((committed) => this.workerKeys.project(committed.state)),
        ]);
      },
    });
  }

  /** The SSE notifications of one outbox entry the relay delivers (docs/decisions/outbox.md). */
  notificationsOf(
    part: Exclude<keyof SessionCommit, 'actor'>,
    events: readonly DomainEvent[],
    state: Record<string, unknown>,
  ): ChangeEvent[] {
    return this.notifications({ actor: '', [part]: [{ state, events: [...events] }] }).flat();
  }

  /**
   * The SSE notifications of a commit as sequences that may go out side by side: one per lablet
   * session (its events in order), after one of the other aggregates' notifications.
   */
  private notifications(commit: SessionCommit): ChangeEvent[][] {
    const at = this.clock.now().toISOString();
    const streams: ChangeEvent[][] = [[]];
    const push = <T extends SseEventType>(type: T, data: SseEventData<T>): void => {
      streams.at(-1)?.push({ type, data: data as Record<string, unknown>, at });
    };
    for (const committed of commit.userSessions ?? [])
      if (committed.events.length)
        push('user_session.updated', {
          user_session: userSessionWithoutSecrets(toUserSessionView(committed.state)),
        });
    for (const committed of commit.gradingSessions ?? [])
      if (committed.events.length)
        push('grading_session.updated', {
          grading_session: gradingSessionWithoutSecrets(toGradingSessionView(committed.state)),
        });
    const reports = (commit.scoreReports ?? [])
      .filter((committed) => committed.events.length > 0)
      .map((committed) => toScoreReportView(committed.state));
    for (const report of reports) push('score_report.created', { score_report: report });
    for (const committed of commit.sessions ?? []) {
      if (committed.events.length === 0) continue;
      streams.push([]);
      const session = toSessionView(committed.state);
      for (const event of committed.events) this.sessionNotification(event, session, reports, push);
    }
    return streams.filter((stream) => stream.length > 0);
  }

  private sessionNotification(
    event: DomainEvent,
    session: ReturnType<typeof toSessionView>,
    reports: ReturnType<typeof toScoreReportView>[],
    push: <T extends SseEventType>(type: T, data: SseEventData<T>) => void,
  ): void {
    if (event.type === 'lablet_session.created') return push('lablet_session.created', { session });
    if (STATUS_EVENT_TYPES.has(event.type)) {
      const change = event.payload as SessionStatusChanged;
      push('lablet_session.status.changed', {
        session,
        from_status: change.from,
        status: change.to,
        reason: change.reason,
      });
      if (change.to === 'TERMINATED' && change.from)
        push('lablet_session.terminated', { session, from_status: change.from });
      return;
    }
    if (event.type === 'lablet_session.capacity_released')
      return push('lablet_session.ports.released', { session });
    if (event.type === 'lablet_session.timeslot_extended')
      return push('lablet_session.timeslot.extended', { session });
    if (event.type === 'lablet_session.score_recorded') {
      const report = reports.find((candidate) => candidate.id === session.score_report_id);
      if (report) push('lablet_session.score.recorded', { session, score_report: report });
    }
  }
}
