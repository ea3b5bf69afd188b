import { Inject, Injectable } from '@nestjs/common';
import { type Document, type Filter, type Sort } from 'mongodb';
import {
  type FindGradingSessionsQuery,
  type FindUserSessionsQuery,
  type GradingSession as GradingSessionView,
  type ListScoreReportsQuery,
  type ListSessionsQuery,
  type Page,
  type PageOnlyQuery,
  type ScoreReport as ScoreReportView,
  type UserSession as UserSessionView,
} from '@lcm/contracts';
import { type PersistedState } from '@lcm/domain';
import { notFound } from '../../../platform/http/api-error';
import { afterCursor, type KeysetPage, keysetSort, pageOf } from '../../../platform/mongo/page-cursor';
import {
  GradingSessionRepository,
  LabletSessionRepository,
  ScoreReportRepository,
  UserSessionRepository,
} from '../infrastructure/session.repositories';
import {
  type SessionView,
  toGradingSessionView,
  toScoreReportView,
  toSessionView,
  toUserSessionView,
} from '../infrastructure/session-views';
import { SessionChildren, userSessionIdOf } from './session-children.service';

/** A repository's `findStates`, whatever its stored document type. */
interface StateSource<S> {
  findStates(filter: never, sort: Sort, limit: number): Promise<S[]>;
}

/** Newest first for people (dashboard, reports); oldest first for the controllers' work lists. */
const NEWEST_FIRST: KeysetPage = { sortField: 'created_at', direction: -1 };
const OLDEST_FIRST: KeysetPage = { sortField: 'created_at', direction: 1 };

const iso = (value: string): string => new Date(value).toISOString();

/** How many sessions a new SSE client's snapshot carries: every non-terminated one up to this, plus the latest terminated. */
export const SNAPSHOT_ACTIVE_LIMIT = 1000;
export const SNAPSHOT_RECENT_TERMINATED = 50;

/** Read side of the sessions context: bounded, filtered, keyset-paged lists and single reads. */
@Injectable()
export class SessionQueries {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
    @Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository,
    @Inject(ScoreReportRepository) private readonly scoreReports: ScoreReportRepository,
    @Inject(SessionChildren) private readonly children: SessionChildren,
  ) {}

  async get(id: string): Promise<SessionView> {
    return toSessionView((await this.sessions.getById(id)).toState());
  }

  /** `audience` picks the order: the dashboard sees the newest first, controllers the oldest. */
  async list(query: ListSessionsQuery, audience: 'public' | 'internal'): Promise<Page<SessionView>> {
    const filter: Record<string, unknown> = {};
    if (query.status) filter['status'] = { $in: query.status };
    for (const field of ['worker_id', 'definition_id', 'owner', 'reservation_id'] as const)
      if (query[field]) filter[field] = query[field];
    // A timeslot range selects sessions whose timeslot overlaps it.
    if (query.timeslot_from) filter['timeslot_end'] = { $gt: iso(query.timeslot_from) };
    if (query.timeslot_to) filter['timeslot_start'] = { $lt: iso(query.timeslot_to) };
    return this.page(
      this.sessions,
      filter,
      query,
      audience === 'public' ? NEWEST_FIRST : OLDEST_FIRST,
      toSessionView,
    );
  }

  /** Everything LC still has work for: not TERMINATED, or TERMINATED with cleanup outstanding. */
  reconcilable(query: PageOnlyQuery): Promise<Page<SessionView>> {
    const filter = { $or: [{ status: { $ne: 'TERMINATED' } }, { cleanup_completed_at: null }] };
    return this.page(this.sessions, filter, query, OLDEST_FIRST, toSessionView);
  }

  async userSessionOf(sessionId: string): Promise<UserSessionView> {
    const session = await this.sessions.getById(sessionId);
    const userSession = await this.userSessions.findStateById(
      session.userSessionId ?? userSessionIdOf(sessionId),
    );
    if (!userSession) throw notFound('user session of lablet session', sessionId);
    return toUserSessionView(userSession);
  }

  async gradingSessionOf(sessionId: string): Promise<GradingSessionView> {
    const grading = await this.children.currentGrading(await this.sessions.getById(sessionId));
    return toGradingSessionView(grading.toState());
  }

  async scoreReportOf(sessionId: string): Promise<ScoreReportView> {
    const session = (await this.sessions.getById(sessionId)).toState();
    const report = session.score_report_id
      ? await this.scoreReports.findStateById(session.score_report_id)
      : null;
    if (!report) throw notFound('score report of lablet session', sessionId);
    return toScoreReportView(report);
  }

  listScoreReports(query: ListScoreReportsQuery): Promise<Page<ScoreReportView>> {
    const filter: Record<string, unknown> = {};
    if (query.definition_id) filter['definition_id'] = query.definition_id;
    if (query.owner) filter['owner'] = query.owner;
    if (query.passed !== undefined) filter['passed'] = query.passed;
    const created: Record<string, string> = {};
    if (query.from) created['$gte'] = iso(query.from);
    if (query.to) created['$lt'] = iso(query.to);
    if (Object.keys(created).length > 0) filter['created_at'] = created;
    return this.page(this.scoreReports, filter, query, NEWEST_FIRST, toScoreReportView);
  }

  findUserSessions(query: FindUserSessionsQuery): Promise<Page<UserSessionView>> {
    return this.page(
      this.userSessions,
      { lds_session_id: query.lds_session_id },
      query,
      OLDEST_FIRST,
      toUserSessionView,
    );
  }

  findGradingSessions(query: FindGradingSessionsQuery): Promise<Page<GradingSessionView>> {
    return this.page(
      this.gradingSessions,
      { grading_session_id: query.grading_session_id },
      query,
      OLDEST_FIRST,
      toGradingSessionView,
    );
  }

  /** Bounded snapshot for a newly connected SSE client. */
  async snapshot(): Promise<SessionView[]> {
    const [active, terminated] = await Promise.all([
      this.sessions.findStates(
        { status: { $ne: 'TERMINATED' } },
        { created_at: -1, _id: -1 },
        SNAPSHOT_ACTIVE_LIMIT,
      ),
      this.sessions.findStates(
        { status: 'TERMINATED' },
        { updated_at: -1, _id: -1 },
        SNAPSHOT_RECENT_TERMINATED,
      ),
    ]);
    return [...active, ...terminated].map(toSessionView);
  }

  private async page<S extends PersistedState, V>(
    repository: StateSource<S>,
    filter: object,
    query: { limit: number; cursor?: string | undefined },
    order: KeysetPage,
    view: (state: S) => V,
  ): Promise<Page<V>> {
    const states = await repository.findStates(
      afterCursor(filter as Filter<Document>, order, query.cursor) as never,
      keysetSort(order),
      query.limit + 1,
    );
    const page = pageOf(states, query.limit, order);
    return { items: page.items.map(view), next_cursor: page.next_cursor };
  }
}
