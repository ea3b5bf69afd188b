import { Inject, Injectable } from '@nestjs/common';
import {
  type Clock,
  CmlWorker,
  type CmlWorkerState,
  InvalidTransitionError,
  LabletSession,
  type LabletSessionState,
  scheduleSession,
  sessionHoldsCapacity,
} from '@lcm/domain';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import {
  backoff,
  isVersionConflict,
  MAX_CONFLICT_ATTEMPTS,
  retryOnConflict,
} from '../../../platform/mongo/unit-of-work';
import { ConcurrencyConflictError } from '../../../platform/mongo/versioned-collection';
import { notFound } from '../../../platform/http/api-error';
import { CLOCK } from '../../../platform/platform.tokens';
import { LabletDefinitionRepository } from '../../lablet-definitions';
import { CmlWorkerRepository } from '../../workers';
import { LabletSessionRepository } from '../infrastructure/session.repositories';
import { SessionChanges } from './session-changes';

export interface PlacementRequest {
  sessionId: string;
  workerId: string;
  actor: string;
}

/** The answer to one placement: the session as committed, or why it was refused. */
export type PlacementOutcome = { placed: LabletSessionState } | { refused: unknown };

/** What saving one scheduled session came to; `needsRelease`: its allocation here is not held and goes back. */
interface SavedPlacement {
  id: string;
  outcome: PlacementOutcome;
  committed?: Committed<LabletSessionState>;
  needsRelease: boolean;
}

/** Workers remembered as last committed (the oldest is forgotten first): a region's fleet. */
const REMEMBERED_WORKERS = 1_000;

interface Waiting {
  request: PlacementRequest;
  settle: (outcome: PlacementOutcome) => void;
}

/**
 * PENDING → SCHEDULED (decision 20) for any number of sessions, applied per worker in one
 * version-checked worker write (capacity and the lowest free ports reserved together), then one
 * bulk write of its sessions.
 *
 * Requests for one worker that arrive while a write for it is under way wait and go together into
 * the next write, so a burst on one worker costs a few worker writes instead of one contended
 * retry loop per request; another replica's write on the same worker costs one retry of the
 * whole group. Every step is idempotent by session id: the worker's allocation is keyed by the
 * session (`CmlWorker.allocate` returns the held ports again), a session already SCHEDULED on the
 * worker answers as placed, and an allocation is only given back when the committed session does
 * not hold it — so duplicate or concurrent placements of one session end with exactly one
 * counted allocation. A crash between the worker write and the session write leaves an
 * allocation whose session is still PENDING: placing it again reuses it, and the capacity
 * reconciliation releases it otherwise.
 */
@Injectable()
export class WorkerPlacements {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly busy = new Set<string>();
  /**
   * Each worker as this process last committed it, so the next group for it starts without
   * reading it again (at fleet size a packed worker's document is the dearest read of a group:
   * docs/bench/placement.md). Its save is version-checked, so a worker changed since by anyone
   * else costs one conflict and a fresh read, never a lost update.
   */
  private readonly committedWorkers = new Map<string, CmlWorkerState>();

  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Places every pair; answers per pair, in the order given. */
  placeAll(requests: readonly PlacementRequest[]): Promise<PlacementOutcome[]> {
    const outcomes = Promise.all(requests.map((request) => this.enqueue(request)));
    for (const workerId of new Set(requests.map((request) => request.workerId))) void this.drain(workerId);
    return outcomes;
  }

  place(request: PlacementRequest): Promise<PlacementOutcome> {
    return this.placeAll([request]).then(([outcome]) => outcome as PlacementOutcome);
  }

  private enqueue(request: PlacementRequest): Promise<PlacementOutcome> {
    return new Promise((settle) => {
      const queue = this.waiting.get(request.workerId) ?? [];
      queue.push({ request, settle });
      this.waiting.set(request.workerId, queue);
    });
  }

  private async drain(workerId: string): Promise<void> {
    if (this.busy.has(workerId)) return;
    this.busy.add(workerId);
    try {
      for (;;) {
        const group = this.waiting.get(workerId) ?? [];
        this.waiting.delete(workerId);
        if (group.length === 0) return;
        // The next group starts as soon as this one's worker write is done: the rest of this one
        // (session writes, deliveries) does not touch the worker, and a duplicate of one of its
        // sessions in the next group is settled like duplicates from two replicas.
        await new Promise<void>((workerWritten) => {
          void this.placeGroup(
            workerId,
            group.map((waiting) => waiting.request),
            workerWritten,
          )
            .catch((error: unknown) => group.map((): PlacementOutcome => ({ refused: error })))
            .then((outcomes) =>
              group.forEach((waiting, index) =>
                waiting.settle(outcomes[index] ?? { refused: new Error('lost') }),
              ),
            )
            .finally(workerWritten);
        });
      }
    } finally {
      this.busy.delete(workerId);
    }
  }

  /**
   * One worker, many sessions: all allocations in one worker write, retried whole on a lost race.
   * `workerWritten` is called once the worker write is committed (or not needed). Its own loop on
   * the shared bound and backoff rather than retryOnConflict: a remembered worker that moved on is
   * read again without waiting, and a refusal decided on it is decided again (docs/decisions/unit-of-work.md).
   */
  private async placeGroup(
    workerId: string,
    requests: PlacementRequest[],
    workerWritten: () => void,
  ): Promise<PlacementOutcome[]> {
    for (let attempt = 0; ; attempt += 1) {
      const ids = [...new Set(requests.map((request) => request.sessionId))];
      const known = attempt === 0 ? this.committedWorkers.get(workerId) : undefined;
      const [worker, stored] = await Promise.all([
        known ? CmlWorker.fromState(structuredClone(known), this.clock) : this.workers.findById(workerId),
        this.sessions.findStatesByIds(ids),
      ]);
      if (!worker) return requests.map(() => ({ refused: notFound('worker', workerId) }));
      const loaded = new Map(stored.map((state) => [state.id, LabletSession.fromState(state, this.clock)]));
      const workerBefore = JSON.stringify(worker.toState());
      const outcomes: (PlacementOutcome | 'apply')[] = [];
      const changed = new Map<string, LabletSession>();
      for (const request of requests) {
        const session = loaded.get(request.sessionId);
        if (!session) {
          outcomes.push({ refused: notFound('lablet session', request.sessionId) });
          continue;
        }
        try {
          if (session.status === 'SCHEDULED' && session.workerId === workerId) {
            outcomes.push('apply');
            continue;
          }
          if (session.status !== 'PENDING')
            throw new InvalidTransitionError('SESSION', session.id, session.status, 'SCHEDULED');
          const definition = await this.definitions.findPinnedVersion(session.definitionId);
          if (!definition) throw notFound('lablet definition', session.definitionId);
          scheduleSession(session, worker, definition, request.actor);
          changed.set(session.id, session);
          outcomes.push('apply');
        } catch (error) {
          outcomes.push({ refused: error });
        }
      }

      // A refusal decided on the remembered worker may be stale (another command freed capacity): decide again on a fresh read.
      if (known && outcomes.some((outcome) => outcome !== 'apply')) {
        this.committedWorkers.delete(workerId);
        continue;
      }
      let workerCommitted: Committed<CmlWorkerState> | null = null;
      if (JSON.stringify(worker.toState()) !== workerBefore) {
        try {
          workerCommitted = await this.workers.save(worker);
          this.rememberCommitted(workerCommitted.state);
        } catch (error) {
          this.committedWorkers.delete(workerId);
          if (!isVersionConflict(error) || attempt + 1 >= MAX_CONFLICT_ATTEMPTS) throw error;
          // A remembered worker that moved on since is no contention: read it again at once.
          if (!known) await backoff(attempt);
          continue;
        }
      } else worker.pullEvents();
      workerWritten();

      const saved = await this.saveSessions([...changed.values()], workerId);
      const committedSessions = saved.flatMap((result) => (result.committed ? [result.committed] : []));
      const placed = new Map<string, PlacementOutcome>(saved.map((result) => [result.id, result.outcome]));
      const released = saved.flatMap((result) => (result.needsRelease ? [result.id] : []));
      const compensation = released.length ? await this.releaseUnheld(workerId, released) : null;
      await this.record(requests, committedSessions, [workerCommitted, compensation]);
      return Promise.all(
        requests.map(async (request, index) => {
          const outcome = outcomes[index];
          if (outcome !== 'apply') return outcome as PlacementOutcome;
          const fresh = placed.get(request.sessionId);
          if (fresh) return fresh;
          // Already SCHEDULED here before this write: answer with what is committed.
          const current = await this.sessions.findStateById(request.sessionId);
          return current ? { placed: current } : { refused: notFound('lablet session', request.sessionId) };
        }),
      );
    }
  }

  private rememberCommitted(state: CmlWorkerState): void {
    this.committedWorkers.delete(state.id);
    this.committedWorkers.set(state.id, state);
    if (this.committedWorkers.size > REMEMBERED_WORKERS)
      this.committedWorkers.delete(this.committedWorkers.keys().next().value as string);
  }

  /** Audit names the caller of each placement; the worker's changes go with the first caller's. */
  private async record(
    requests: PlacementRequest[],
    sessions: Committed<LabletSessionState>[],
    workers: (Committed<CmlWorkerState> | null)[],
  ): Promise<void> {
    const actorOf = new Map(requests.map((request) => [request.sessionId, request.actor]));
    const actors = [...new Set(requests.map((request) => request.actor))];
    await Promise.all(
      actors.map((actor, index) =>
        this.changes.record({
          actor,
          sessions: sessions.filter((committed) => actorOf.get(committed.state.id) === actor),
          workers: index === 0 ? workers.filter((entry) => entry !== null) : [],
        }),
      ),
    );
  }

  /**
   * Saves the sessions scheduled onto the worker in one bulk write. A lost race is settled by what
   * was committed: a duplicate that scheduled it onto this worker holds the same allocation
   * (placed); anything else means the allocation made for it here is not held and goes back.
   */
  private async saveSessions(
    sessions: readonly LabletSession[],
    workerId: string,
  ): Promise<SavedPlacement[]> {
    const results = await this.sessions.saveAll(sessions);
    return Promise.all(
      results.map((result, index) => {
        const id = (sessions[index] as LabletSession).id;
        return result instanceof ConcurrencyConflictError
          ? this.settleLostRace(id, workerId, result)
          : { id, outcome: { placed: result.state }, committed: result, needsRelease: false };
      }),
    );
  }

  private async settleLostRace(
    id: string,
    workerId: string,
    conflict: ConcurrencyConflictError,
  ): Promise<SavedPlacement> {
    const current = await this.sessions.findStateById(id);
    if (current && current.status === 'SCHEDULED' && current.worker_id === workerId)
      return { id, outcome: { placed: current }, needsRelease: false };
    // Still PENDING (changed otherwise): a retry reuses the allocation; it may be in use by a duplicate right now.
    if (current?.status === 'PENDING') return { id, outcome: { refused: conflict }, needsRelease: false };
    return {
      id,
      outcome: {
        refused: current
          ? new InvalidTransitionError('SESSION', id, current.status, 'SCHEDULED')
          : notFound('lablet session', id),
      },
      needsRelease: true,
    };
  }

  /** Gives back allocations of sessions that, as committed, left PENDING without holding this worker (no way back to PENDING). */
  private async releaseUnheld(
    workerId: string,
    sessionIds: string[],
  ): Promise<Committed<CmlWorkerState> | null> {
    return retryOnConflict(async () => {
      const [worker, sessions] = await Promise.all([
        this.workers.findById(workerId),
        this.sessions.findStatesByIds(sessionIds),
      ]);
      if (!worker) return null;
      const keep = new Set(
        sessions
          .filter(
            (state) =>
              state.status === 'PENDING' ||
              (state.worker_id === workerId && sessionHoldsCapacity(state.status, state.lab_record_id)),
          )
          .map((state) => state.id),
      );
      const released = sessionIds.filter((id) => !keep.has(id)).map((id) => worker.release(id));
      if (!released.some(Boolean)) return null;
      this.committedWorkers.delete(workerId);
      const committed = await this.workers.save(worker);
      this.rememberCommitted(committed.state);
      return committed;
    });
  }
}
