import { Inject, Injectable } from '@nestjs/common';
import { type Collection, type Db } from 'mongodb';
import {
  type CreateSessionBody,
  type LabletSessionStatus,
  type UpdatePipelineProgressBody,
  type UpdateSessionLabBody,
} from '@lcm/contracts';
import {
  bindLabToSession,
  canTransition,
  type Clock,
  type CmlWorkerState,
  InvalidTransitionError,
  LABLET_SESSION_MACHINE,
  type LabRecordState,
  LabletSession,
  type LabletSessionState,
  scheduleSession,
} from '@lcm/domain';
import { ApiError, notFound } from '../../../platform/http/api-error';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import { CLOCK, MONGO_DB } from '../../../platform/platform.tokens';
import { LabRecordRepository } from '../../lab-records/infrastructure/lab-record.repository';
import { LabletDefinitionRepository } from '../../lablet-definitions/infrastructure/lablet-definition.repository';
import { CmlWorkerRepository } from '../../workers/infrastructure/cml-worker.repository';
import { LabletSessionRepository, UserSessionRepository } from '../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../infrastructure/session-views';
import { SessionChanges } from './session-changes';
import { SessionResourceRelease } from './session-resources';
import {
  backoff,
  compact,
  fingerprint,
  isVersionConflict,
  MAX_CONFLICT_ATTEMPTS,
  retryOnConflict,
  saveIfChanged,
} from '../../../platform/mongo/unit-of-work';

export const RESERVATION_CLAIMS_COLLECTION = 'reservation_claims';

interface ReservationClaim {
  _id: string;
  lablet_session_id: string;
  claimed_at: Date;
}

/** A claim whose session never got written (the writer died in between) is given up after this. */
const ABANDONED_RESERVATION_CLAIM_MS = 30_000;

/** Targets that have a route of their own because they carry data the plain transition does not. */
const DEDICATED_ROUTES: Partial<Record<LabletSessionStatus, string>> = {
  SCHEDULED: 'POST /api/internal/sessions/{id}/schedule',
  READY: 'POST /api/internal/sessions/{id}/mark-ready',
  GRADING: 'POST /api/internal/sessions/{id}/grading-session',
};

/**
 * The session lifecycle commands (spec §4.1): create, every guarded transition, schedule with
 * its atomic allocation on the worker (decision 20), the lab link (decision 2), pipeline
 * progress and cleanup. Each loads the aggregates, lets the domain decide, saves with version
 * checks and hands what was committed to SessionChanges (audit, etcd, SSE).
 */
@Injectable()
export class SessionLifecycle {
  private readonly reservations: Collection<ReservationClaim>;

  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionResourceRelease) private readonly release: SessionResourceRelease,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MONGO_DB) db: Db,
  ) {
    this.reservations = db.collection<ReservationClaim>(RESERVATION_CLAIMS_COLLECTION);
  }

  // ---- create ----

  async create(body: CreateSessionBody, actor: string): Promise<SessionView> {
    const definition = await this.definitions.findById(body.definition_id);
    if (!definition) throw notFound('lablet definition', body.definition_id);
    const id = crypto.randomUUID();
    const session = LabletSession.create(
      {
        id,
        definition,
        owner: body.owner,
        reservation_id: body.reservation_id ?? null,
        // No start means "as soon as possible": the timeslot starts now (spec §7.1 ASAP).
        timeslot_start: body.timeslot_start ?? this.clock.now().toISOString(),
        timeslot_end: body.timeslot_end,
      },
      this.clock,
    );
    const reservation = body.reservation_id ?? null;
    if (reservation) await this.claimReservation(reservation, id);
    let committed: Committed<LabletSessionState>;
    try {
      committed = await this.sessions.save(session);
    } catch (error) {
      if (reservation) await this.reservations.deleteOne({ _id: reservation, lablet_session_id: id });
      throw error;
    }
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }

  /**
   * reservation_id is unique (409 on a second create). FerretDB has no partial unique index, so
   * the value is claimed as the _id of a document of its own before the session is written.
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
      const holder = await this.sessions.findStateById(existing.lablet_session_id);
      const abandoned =
        !holder &&
        this.clock.now().getTime() - existing.claimed_at.getTime() > ABANDONED_RESERVATION_CLAIM_MS;
      if (!abandoned) break;
      await this.reservations.deleteOne({
        _id: reservationId,
        lablet_session_id: existing.lablet_session_id,
      });
    }
    throw new ApiError('DUPLICATE', `a session with reservation_id ${reservationId} already exists`);
  }

  // ---- transitions ----

  /**
   * A guarded transition (internal /transition, the public manual actions, DELETE, expire,
   * start-instantiation, session-started). Asking for the current status is a 200 no-op.
   */
  async transition(
    sessionId: string,
    target: LabletSessionStatus,
    input: { reason?: string | undefined; actor: string; startedAt?: string | undefined },
  ): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    const from = session.status;
    const dedicated = DEDICATED_ROUTES[target];
    if (dedicated && from !== target) {
      if (!canTransition(LABLET_SESSION_MACHINE, from, target))
        throw new InvalidTransitionError('SESSION', sessionId, from, target);
      throw new ApiError(
        'INVALID_REQUEST',
        `${target} is entered through ${dedicated}, which carries the data it needs`,
        [{ field: 'body.target_status', message: `use ${dedicated}` }],
      );
    }
    const before = fingerprint(session);
    const userSession =
      (target === 'RUNNING' || target === 'COLLECTING') && session.userSessionId
        ? await this.userSessions.findById(session.userSessionId)
        : null;
    const userBefore = userSession ? fingerprint(userSession) : '';
    const actor = input.actor;
    switch (target) {
      case 'INSTANTIATING':
        session.startInstantiation();
        break;
      case 'RUNNING':
        session.start({ userSession, actor, startedAt: input.startedAt ?? null });
        break;
      case 'COLLECTING':
        session.collect({ userSession, actor });
        break;
      case 'STOPPING':
        session.beginStopping(input.reason ?? 'stop_requested', actor);
        break;
      case 'STOPPED':
        session.markStopped();
        break;
      case 'ARCHIVED':
        session.archive(actor);
        break;
      case 'EXPIRED':
        session.expire();
        break;
      case 'TERMINATED':
        session.terminate({ reason: input.reason ?? 'terminated', terminated_by: actor });
        break;
      case 'PENDING':
      case 'SCHEDULED':
      case 'READY':
      case 'GRADING':
        if (from !== target) throw new InvalidTransitionError('SESSION', sessionId, from, target);
        break;
    }
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    const userCommitted = userSession
      ? await saveIfChanged(this.userSessions, userSession, userBefore)
      : null;
    const released = await this.release.afterCommit(committed.state);
    await this.changes.record({
      actor,
      sessions: [committed],
      userSessions: compact([userCommitted]),
      ...released,
    });
    return toSessionView(committed.state);
  }

  /** Operator extension (spec §3.2): a later end only, within the pinned definition's maximum duration. */
  async extendTimeslot(sessionId: string, timeslotEnd: string, actor: string): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    const definition = await this.definitions.findById(session.definitionId);
    const before = fingerprint(session);
    session.extendTimeslot(timeslotEnd, definition?.maxDurationMinutes);
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }

  // ---- schedule (decision 20) ----

  /**
   * PENDING → SCHEDULED with capacity and the lowest free ports reserved on the worker in one
   * unit: the worker is saved first, so its version check serialises concurrent schedules on it
   * (the loser re-reads and retries); then the session. When the session save loses (it changed
   * meanwhile, e.g. was terminated), the allocation is released on the worker again and the
   * command starts over from the fresh session.
   */
  async schedule(sessionId: string, workerId: string, actor: string): Promise<SessionView> {
    for (let attempt = 0; ; attempt += 1) {
      const session = await this.sessions.getById(sessionId);
      if (session.status === 'SCHEDULED' && session.workerId === workerId)
        return toSessionView(session.toState());
      if (session.status !== 'PENDING')
        throw new InvalidTransitionError('SESSION', sessionId, session.status, 'SCHEDULED');
      const worker = await this.workers.getById(workerId);
      const definition = await this.definitions.getById(session.definitionId);
      scheduleSession(session, worker, definition);

      let workerCommitted: Committed<CmlWorkerState>;
      try {
        workerCommitted = await this.workers.save(worker);
      } catch (error) {
        if (!isVersionConflict(error) || attempt + 1 >= MAX_CONFLICT_ATTEMPTS) throw error;
        await backoff(attempt);
        continue;
      }
      let committed: Committed<LabletSessionState>;
      try {
        committed = await this.sessions.save(session);
      } catch (error) {
        const compensation = await this.releaseAllocation(workerId, sessionId);
        await this.changes.record({ actor, workers: compact([workerCommitted, compensation]) });
        if (!isVersionConflict(error) || attempt + 1 >= MAX_CONFLICT_ATTEMPTS) throw error;
        continue;
      }
      await this.changes.record({ actor, sessions: [committed], workers: [workerCommitted] });
      return toSessionView(committed.state);
    }
  }

  /** Compensation of a schedule whose session write lost: the worker gives the allocation back. */
  private releaseAllocation(workerId: string, sessionId: string): Promise<Committed<CmlWorkerState> | null> {
    return retryOnConflict(async () => {
      const worker = await this.workers.findById(workerId);
      if (!worker) return null;
      const before = fingerprint(worker);
      worker.release(sessionId);
      return saveIfChanged(this.workers, worker, before);
    });
  }

  // ---- lab link (decision 2, 20) ----

  /**
   * Links the session to its LabRecord during INSTANTIATING. Worker and lab are saved before the
   * session (both steps are idempotent, so a retry after a lost session write completes the link);
   * when the session can no longer take the lab, the lab is let go again.
   */
  async bindLab(sessionId: string, body: UpdateSessionLabBody, actor: string): Promise<SessionView> {
    return retryOnConflict(async () => {
      const session = await this.sessions.getById(sessionId);
      const lab = await this.labs.getById(body.lab_record_id);
      if (lab.labId !== body.cml_lab_id) {
        throw new ApiError(
          'VALIDATION_FAILED',
          `cml_lab_id ${body.cml_lab_id} is not the CML lab of lab record ${lab.id} (${lab.labId})`,
          [{ field: 'body.cml_lab_id', message: 'does not match the lab record' }],
        );
      }
      if (session.labRecordId === lab.id) return toSessionView(session.toState());
      if (!session.workerId)
        throw new InvalidTransitionError('SESSION', sessionId, session.status, 'INSTANTIATING');
      const worker = await this.workers.getById(session.workerId);
      const workerBefore = fingerprint(worker);
      const labBefore = fingerprint(lab);
      bindLabToSession(session, lab, worker);
      const workerCommitted = await saveIfChanged(this.workers, worker, workerBefore);
      const labCommitted = await saveIfChanged(this.labs, lab, labBefore);
      let committed: Committed<LabletSessionState>;
      try {
        committed = await this.sessions.save(session);
      } catch (error) {
        const undone = await this.detachLab(lab.id, sessionId);
        await this.changes.record({
          actor,
          workers: compact([workerCommitted]),
          labs: compact([labCommitted, undone]),
        });
        throw error;
      }
      await this.changes.record({
        actor,
        sessions: [committed],
        workers: compact([workerCommitted]),
        labs: compact([labCommitted]),
      });
      return toSessionView(committed.state);
    });
  }

  /** The lab is attached again by the retry when the session still takes it; otherwise it stays free. */
  private detachLab(labId: string, sessionId: string): Promise<Committed<LabRecordState> | null> {
    return retryOnConflict(async () => {
      const lab = await this.labs.findById(labId);
      if (!lab) return null;
      const before = fingerprint(lab);
      lab.detachSession(sessionId);
      return saveIfChanged(this.labs, lab, before);
    });
  }

  // ---- other facts ----

  async updatePipelineProgress(
    sessionId: string,
    body: UpdatePipelineProgressBody,
    actor: string,
  ): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    session.updatePipelineProgress(body.pipeline, body.step, {
      status: body.status,
      result_data: body.result_data ?? null,
      error: body.error ?? null,
    });
    const committed = await this.sessions.save(session);
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }

  /** LDS archival and lab cleanup of a TERMINATED session are done: its etcd keys go (spec §6). */
  async markCleanupCompleted(sessionId: string, actor: string): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    const before = fingerprint(session);
    session.markCleanupCompleted();
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    const released = await this.release.afterCommit(committed.state);
    await this.changes.record({ actor, sessions: [committed], ...released });
    return toSessionView(committed.state);
  }
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
