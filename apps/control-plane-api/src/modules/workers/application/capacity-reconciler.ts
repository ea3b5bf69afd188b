import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  capacityDrifted,
  type Clock,
  type CmlWorkerState,
  type LabletSessionState,
  SESSION_STATUS_TRAITS,
  sessionHoldsCapacity,
} from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { CLOCK, LOGGER } from '../../../platform/platform.tokens';
import { LabRecordRepository } from '../../lab-records';
import { LabletSessionRepository } from '../../sessions';
import { CmlWorkerRepository } from '../infrastructure/cml-worker.repository';
import { SESSION_STATUSES_SPARED, WorkerStatusCascade } from './worker-status-cascade';
import {
  PLACEMENT_GRACE_MS,
  RecalculateWorkerCapacityCommand,
} from './commands/recalculate-worker-capacity.command';

/** How often every worker's allocation is compared with the sessions holding it. */
export const CAPACITY_RECONCILE_INTERVAL_MS = 10_000;
/** Statuses in which a session may hold a worker's capacity (one store query each per pass). */
const MAY_HOLD = (Object.keys(SESSION_STATUS_TRAITS) as (keyof typeof SESSION_STATUS_TRAITS)[]).filter(
  (status) => SESSION_STATUS_TRAITS[status].capacity !== false,
);
const SPARED = new Set<string>(SESSION_STATUSES_SPARED);
const ACTOR = 'control-plane:capacity-reconciler';
/** Far longer than a pass; a worker terminated within it is looked at by several passes. */
const TERMINATION_LOOKBACK_MS = 60_000;

/**
 * Capacity and ports converge on what the holding sessions imply by themselves (spec §3.5,
 * decision 3), whatever a crash left half-done between a worker write and a session write (a
 * schedule whose session write never happened, a release that never ran, a session terminated
 * while PENDING with an allocation and no worker_id). Each pass reads the placeable workers and the
 * sessions that may hold capacity once, by equality queries only (anything else reads the whole
 * collection on FerretDB and piled up at fleet size: docs/decisions/store.md), and recalculates
 * only the workers that drifted, through the same command as the
 * operator route; every replica may run it, the worker's version check serialises them.
 * Ports still held by a DELETED or ARCHIVED lab record (a release that never ran) count as drift too.
 * A STOPPED or TERMINATED worker that still has sessions it can no longer carry had its cascade cut
 * short by a crash: the pass runs the cascade again (spec §4.3).
 */
@Injectable()
export class CapacityReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  /** Lower bound of the TERMINATED workers the next pass looks at; none before the first pass. */
  private terminationsCheckedAt: string | null = null;
  private running: Promise<string[]> | null = null;

  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(WorkerStatusCascade) private readonly cascade: WorkerStatusCascade,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.reconcileAll().catch((error: unknown) =>
        this.logger.error({ err: error }, 'capacity reconciliation failed; retried next pass'),
      );
    }, CAPACITY_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * One pass over every placeable worker; returns the ids of the workers it repaired. A pass under
   * way is joined. `graceMs` (see PLACEMENT_GRACE_MS) is shortened only by tests that know no
   * placement is in progress.
   */
  reconcileAll(graceMs = PLACEMENT_GRACE_MS): Promise<string[]> {
    this.running ??= this.pass(graceMs).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * TERMINATED workers are history: only those that ended recently (or any, on the first pass after
   * start-up) can have a cascade or a release cut short; they are repaired like live ones.
   */
  private async repairTerminated(graceMs: number): Promise<string[]> {
    const since = this.terminationsCheckedAt;
    this.terminationsCheckedAt = new Date(this.clock.now().getTime() - TERMINATION_LOOKBACK_MS).toISOString();
    const terminated = await this.workers.findTerminatedStates(since);
    if (terminated.length === 0) return [];
    const bound = await this.sessions.findStatesWhereAnyOf(
      'worker_id',
      terminated.map((worker) => worker.id),
    );
    const stranded = bound.filter((session) => !SPARED.has(session.status));
    for (const workerId of new Set(stranded.map((session) => session.worker_id as string)))
      await this.cascade.resume(workerId, 'TERMINATED', ACTOR);
    return this.repairDrifted(terminated, holdersByWorker(bound), graceMs);
  }

  /** Recalculates the workers whose allocations disagree with their holding sessions. */
  private async repairDrifted(
    workers: readonly CmlWorkerState[],
    holdersOf: Map<string, Set<string>>,
    graceMs: number,
  ): Promise<string[]> {
    const now = this.clock.now();
    const repaired: string[] = [];
    const retiredLabs = await this.labs.findRetiredIds(
      workers.flatMap((worker) =>
        worker.port_allocations
          .filter((allocation) => allocation.holder_kind === 'lab_record')
          .map((allocation) => allocation.holder_id),
      ),
    );
    for (const worker of workers) {
      if (worker.status === 'STOPPED' && holdersOf.has(worker.id))
        await this.cascade.resume(worker.id, 'STOPPED', ACTOR);
      if (!capacityDrifted(worker, holdersOf.get(worker.id) ?? new Set(), now, graceMs, retiredLabs))
        continue;
      await this.commands.execute(new RecalculateWorkerCapacityCommand(worker.id, ACTOR, graceMs));
      repaired.push(worker.id);
    }
    return repaired;
  }

  private async pass(graceMs: number): Promise<string[]> {
    // Holders before workers: an allocation a placement is adding meanwhile is then young (kept by
    // the grace), never a holder missing from an allocation read earlier.
    const mayHold = await this.sessions.findStatesWhereAnyOf('status', MAY_HOLD);
    const workers = await this.workers.findPlaceableStates();
    const repaired = await this.repairDrifted(workers, holdersByWorker(mayHold), graceMs);
    repaired.push(...(await this.repairTerminated(graceMs)));
    if (repaired.length > 0)
      this.logger.warn({ workers: repaired }, 'worker capacity repaired from the holding sessions');
    return repaired;
  }
}

/** Which of these sessions hold which worker's capacity. */
function holdersByWorker(sessions: readonly LabletSessionState[]): Map<string, Set<string>> {
  const holdersOf = new Map<string, Set<string>>();
  for (const session of sessions) {
    if (!session.worker_id || !sessionHoldsCapacity(session.status, session.lab_record_id)) continue;
    const ids = holdersOf.get(session.worker_id) ?? new Set<string>();
    ids.add(session.id);
    holdersOf.set(session.worker_id, ids);
  }
  return holdersOf;
}
