import { type Collection, type Db } from 'mongodb';
import {
  type Clock,
  type DomainEvent,
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
import { DuplicateDocumentError, isDuplicateKey } from '../../../platform/mongo/versioned-collection';
import { type ScoreReportExtras } from './session.views';

export const RESERVATION_CLAIMS_COLLECTION = 'reservation_claims';

interface ReservationClaim {
  _id: string;
  lablet_session_id: string;
  claimed_at: Date;
}

/** A claim whose session never got written (the writer died in between) is given up after this. */
const ABANDONED_RESERVATION_CLAIM_MS = 30_000;

export class LabletSessionRepository extends AggregateRepository<LabletSessionState, LabletSession> {
  private readonly reservations: Collection<ReservationClaim>;

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
    this.reservations = db.collection<ReservationClaim>(RESERVATION_CLAIMS_COLLECTION);
  }

  /** A new session with a reservation_id is only written once it holds that reservation (see claimReservation). */
  override async save(session: LabletSession, extraEvents: readonly DomainEvent[] = []) {
    const { id, version, reservation_id: reservation } = session.toState();
    if (version !== 0 || !reservation) return super.save(session, extraEvents);
    await this.claimReservation(reservation, id);
    try {
      return await super.save(session, extraEvents);
    } catch (error) {
      await this.reservations.deleteOne({ _id: reservation, lablet_session_id: id });
      throw error;
    }
  }

  /**
   * reservation_id is unique (DuplicateDocumentError on a second session). FerretDB has no partial
   * unique index, so the value is claimed as the _id of a document of its own before the session
   * is written.
   */
  private async claimReservation(reservationId: string, sessionId: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await this.reservations.insertOne({
          _id: reservationId,
          lablet_session_id: sessionId,
          claimed_at: this.clock.now(),
        });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await this.reservations.findOne({ _id: reservationId });
      if (!existing) continue;
      const holder = await this.findStateById(existing.lablet_session_id);
      const abandoned =
        !holder &&
        this.clock.now().getTime() - existing.claimed_at.getTime() > ABANDONED_RESERVATION_CLAIM_MS;
      if (!abandoned) break;
      await this.reservations.deleteOne({
        _id: reservationId,
        lablet_session_id: existing.lablet_session_id,
      });
    }
    throw new DuplicateDocumentError(
      this.collection.collectionName,
      `a session with reservation_id ${reservationId} already exists`,
    );
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
