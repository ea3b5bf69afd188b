import { type Db } from 'mongodb';
import {
  type Clock,
  GradingSession,
  type GradingSessionState,
  LabletSession,
  type LabletSessionState,
  ScoreReport,
  type ScoreReportState,
  UserSession,
  type UserSessionState,
} from '@lcm/domain';
import { AggregateRepository, type Committed } from '../../../platform/mongo/aggregate-repository';
import { type ScoreReportExtras } from './session.views';

export class LabletSessionRepository extends AggregateRepository<LabletSessionState, LabletSession> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'lablet_sessions',
      entity: 'lablet session',
      hydrate: (state, c) => LabletSession.fromState(state, c),
      indexes: [
        { key: { status: 1, timeslot_start: 1 }, name: 'status_timeslot' },
        { key: { worker_id: 1, status: 1 }, name: 'worker_status' },
        { key: { definition_id: 1 }, name: 'definition' },
        { key: { owner: 1 }, name: 'owner' },
        { key: { lab_record_id: 1 }, name: 'lab_record' },
        { key: { reservation_id: 1 }, name: 'reservation' },
      ],
    });
  }
}

export class UserSessionRepository extends AggregateRepository<UserSessionState, UserSession> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'user_sessions',
      entity: 'user session',
      hydrate: (state, c) => UserSession.fromState(state, c),
      indexes: [
        { key: { lablet_session_id: 1 }, name: 'lablet_session' },
        { key: { lds_session_id: 1 }, name: 'lds_session' },
      ],
    });
  }
}

export class GradingSessionRepository extends AggregateRepository<GradingSessionState, GradingSession> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'grading_sessions',
      entity: 'grading session',
      hydrate: (state, c) => GradingSession.fromState(state, c),
      indexes: [
        { key: { lablet_session_id: 1 }, name: 'lablet_session' },
        { key: { grading_session_id: 1 }, name: 'engine_grading_session' },
      ],
    });
  }
}

export class ScoreReportRepository extends AggregateRepository<ScoreReportState, ScoreReport> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'score_reports',
      entity: 'score report',
      hydrate: (state, c) => ScoreReport.fromState(state, c),
      indexes: [
        { key: { lablet_session_id: 1 }, name: 'lablet_session' },
        { key: { created_at: -1 }, name: 'created' },
        { key: { definition_id: 1, created_at: -1 }, name: 'definition_created' },
        { key: { owner: 1, created_at: -1 }, name: 'owner_created' },
      ],
    });
  }

  /**
   * A report is written once; the session's definition and owner and the engine's
   * generation/revision are stored beside it, so reports filter without a join.
   */
  async insertWithExtras(
    report: ScoreReport,
    extras: ScoreReportExtras,
  ): Promise<Committed<ScoreReportState & ScoreReportExtras>> {
    const { id, version: _version, ...rest } = report.toState();
    const stored = await this.documents.insert({ _id: id, ...rest, ...extras } as never);
    const { _id, ...fields } = stored as unknown as ScoreReportState & ScoreReportExtras & { _id: string };
    return { state: { ...fields, id: _id }, events: report.pullEvents() };
  }
}
