import { performance } from 'node:perf_hooks';
import type { SessionUnschedulableReport } from '@lcm/contracts';
import { type ControlPlane, isConflictError, isNotFoundError, isUnprocessableError } from '@lcm/cpa-client';
import {
  type BackoffPolicy,
  done,
  failed,
  type KeySource,
  type ReconcileContext,
  type Reconciler,
  type ReconcileResult,
  requeueAfter,
} from '@lcm/reconciler-runtime';
import type { DefinitionDemands } from '../placement/definition-demands';
import type { FleetView } from '../placement/fleet-view';
import type { PendingPlacements } from '../placement/pending-placements';
import type { ScaleUpPlan, ScaleUpPlanner } from '../placement/scale-up-planner';
import type { ScheduleBatcher } from '../placement/schedule-batcher';
import type { PlacementSubject, SessionSnapshots } from '../placement/session-snapshots';
import type { DecisionOutcome, SchedulerStats } from '../placement/scheduler-stats';

type NoFitSummary = SessionUnschedulableReport['rejections'];

export interface SessionPlacementOptions {
  cpa: ControlPlane;
  fleet: FleetView;
  definitions: DefinitionDemands;
  planner: ScaleUpPlanner;
  /** Schedules through the batch route, together with what concurrent runs decide. */
  batcher: ScheduleBatcher;
  pending: PendingPlacements;
  /** What the status keys and the PENDING list told of each session, used instead of a read. */
  snapshots: SessionSnapshots;
  stats: SchedulerStats;
  sources: readonly KeySource[];
  leadWindowMs: number;
  /** How long a session nothing fits waits before it is looked at again (a fleet change wakes it sooner). */
  noFitRetryMs: number;
  conflictsBeforeBackoff: number;
  backoff: BackoffPolicy;
  now?: () => number;
}

export class StalePlacementError extends Error {
  constructor(sessionId: string, conflicts: number, cause: unknown) {
    super(`schedule of session ${sessionId} was refused ${conflicts} times in a row as stale`, { cause });
    this.name = 'StalePlacementError';
  }
}

/**
 * Places one PENDING session (spec §7.1): inside the lead window, on the worker the placement
 * engine picks from the fleet view, through the control plane's batch schedule route (shared with
 * the runs deciding at the same time), which re-validates atomically. The session is known from
 * the snapshot its status key or the PENDING list gave (SessionSnapshots), else read through the
 * API. A refusal naming a status other than PENDING ends the attempt; any other 409/422 means the
 * view was stale: the fleet is listed again and the session retried at once. When nothing fits,
 * the rejections are kept for the pending view and a scale-up is considered. Keys are session ids.
 */
export function sessionPlacementReconciler(options: SessionPlacementOptions): Reconciler {
  const now = options.now ?? Date.now;
  const conflicts = new Map<string, number>();
  const { cpa, fleet, definitions, planner, batcher, pending, stats, snapshots } = options;

  /** The session as committed, or null when it is gone. */
  async function read(sessionId: string): Promise<PlacementSubject | null> {
    try {
      return await cpa.sessions.get({ params: { lablet_session_id: sessionId } });
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
  }

  async function place(
    sessionId: string,
    context: ReconcileContext,
  ): Promise<[DecisionOutcome | null, ReconcileResult]> {
    const session = snapshots.take(sessionId) ?? (await read(sessionId));
    // Expiry of a session whose timeslot has ended is the lablet-controller's (decision 19).
    if (session?.status !== 'PENDING' || Date.parse(session.timeslot_end) <= now()) {
      pending.remove(sessionId);
      return [null, done()];
    }
    const waitMs =
      session.timeslot_start === null ? 0 : Date.parse(session.timeslot_start) - options.leadWindowMs - now();
    if (waitMs > 0) return ['waiting_for_window', requeueAfter(waitMs, 'outside the lead window')];

    const { demand } = await definitions.get(session.definition_id);
    const decision = (await fleet.current()).decide(demand);
    if (decision.kind === 'placed') {
      fleet.reserve(sessionId, decision.workerId, demand);
      try {
        await batcher.schedule(sessionId, decision.workerId);
      } catch (error) {
        fleet.settle(sessionId, false);
        if (leftPending(error)) {
          pending.remove(sessionId);
          return [null, done()];
        }
        if (!isConflictError(error) && !isUnprocessableError(error)) throw error;
        fleet.invalidate();
        const count = (conflicts.get(sessionId) ?? 0) + 1;
        conflicts.set(sessionId, count);
        context.log.info(
          { worker_id: decision.workerId, conflicts: count, err: error },
          'schedule refused; the view was stale',
        );
        if (count >= options.conflictsBeforeBackoff) throw new StalePlacementError(sessionId, count, error);
        return ['conflict', requeueAfter(0, 'stale view')];
      }
      fleet.settle(sessionId, true);
      pending.remove(sessionId);
      context.log.info({ worker_id: decision.workerId, score: decision.score }, 'session scheduled');
      return ['placed', done()];
    }

    pending.recordNoFit(sessionId, session, decision, new Date(now()));
    const plan = await planner.plan(demand, sessionId);
    pending.markUnschedulable(sessionId, plan.kind === 'unschedulable');
    stats.scaleUp(scaleUpOutcomeOf(plan));
    context.log.info({ rejections: decision.summary, plan }, 'no worker fits');
    if (plan.kind === 'unschedulable') {
      if (pending.needsUnschedulableReport(sessionId))
        await reportUnschedulable(sessionId, session, decision.summary, context);
      return ['unschedulable', done()];
    }
    if (plan.kind === 'cooldown')
      return ['no_fit', requeueAfter(Math.min(plan.remainingMs, options.noFitRetryMs), 'scale-up cooldown')];
    return ['no_fit', requeueAfter(options.noFitRetryMs, 'waiting for capacity')];
  }

  /**
   * Issue 9: dashboards hear of an unschedulable session through the control plane's SSE, once per
   * leader. A failed report does not fail the placement: the next pass (resync) tries it again.
   */
  async function reportUnschedulable(
    sessionId: string,
    session: PlacementSubject,
    rejections: NoFitSummary,
    context: ReconcileContext,
  ): Promise<void> {
    try {
      await cpa.scheduler.reportUnschedulable({
        body: {
          lablet_session_id: sessionId,
          definition_id: session.definition_id,
          reason: 'no enabled worker template can hold the definition (licence, capacity, node count or AMI)',
          rejections,
          flagged_at: new Date(now()).toISOString(),
        },
      });
      pending.unschedulableReported(sessionId);
    } catch (error) {
      context.log.warn({ err: error }, 'unschedulable report not delivered; the next pass tries again');
    }
  }

  return {
    name: 'session-placement',
    sources: options.sources,
    backoff: options.backoff,
    async reconcile(sessionId, context) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const [outcome, result] = await place(sessionId, context);
        if (outcome !== 'conflict') conflicts.delete(sessionId);
        if (outcome) stats.decision(outcome, seconds());
        return result;
      } catch (error) {
        // A stale-view streak keeps counting, so its backoff grows until a placement gets through.
        if (!(error instanceof StalePlacementError)) conflicts.delete(sessionId);
        stats.decision('failed', seconds());
        if (isNotFoundError(error)) fleet.invalidate();
        return failed(error);
      }
    },
  };
}

/** A refusal saying the session is no longer PENDING (an earlier attempt or another replica placed it, or it ended). */
function leftPending(error: unknown): boolean {
  return (
    isConflictError(error) &&
    error.code === 'INVALID_TRANSITION' &&
    error.currentStatus !== undefined &&
    error.currentStatus !== 'PENDING'
  );
}

function scaleUpOutcomeOf(plan: ScaleUpPlan) {
  switch (plan.kind) {
    case 'requested':
    case 'covered':
    case 'max_reached':
    case 'cooldown':
      return plan.kind;
    case 'awaiting_release':
    case 'unschedulable':
      return 'no_template' as const;
  }
}
