import { decodeEtcdValue, etcdPrefixes, type LabletSessionStatus, MAX_PAGE_LIMIT, parseEtcdKey } from '@lcm/contracts';
import { type ControlPlane, isNotFoundError } from '@lcm/cpa-client';
import { type Etcd3 } from 'etcd3';
import { type Logger } from '@lcm/observability';
import { done, EtcdPrefixSource, type KeySource, ListSource, type ReconcileContext, type Reconciler, type ReconcileResult } from '@lcm/reconciler-runtime';
import { cleanupStep } from '../sessions/cleanup.step';
import { collectingStep } from '../sessions/collecting.step';
import { gradingStep } from '../sessions/grading.step';
import { instantiatingStep } from '../sessions/instantiation/instantiation.pipeline';
import { readyStep } from '../sessions/ready.step';
import { runningStep } from '../sessions/running.step';
import { scheduledStep } from '../sessions/scheduled.step';
import { type SessionDeps, type SessionStep } from '../sessions/session-step';
import { archivedStep, expiredStep, stoppedStep } from '../sessions/stopped.step';
import { stoppingStep } from '../sessions/stopping.step';

/** Spec §7.3: what the lablet-controller does for a session in each status (PENDING belongs to the scheduler). */
export const SESSION_STEPS: Record<LabletSessionStatus, SessionStep | null> = {
  PENDING: null,
  SCHEDULED: scheduledStep,
  INSTANTIATING: instantiatingStep,
  READY: readyStep,
  RUNNING: runningStep,
  COLLECTING: collectingStep,
  GRADING: gradingStep,
  STOPPING: stoppingStep,
  STOPPED: stoppedStep,
  ARCHIVED: archivedStep,
  EXPIRED: expiredStep,
  TERMINATED: cleanupStep,
};

/** Every session that may need work: non-terminal ones and terminated ones awaiting cleanup. */
export async function listReconcilableSessionIds(cpa: ControlPlane): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<ControlPlane['sessions']['reconcilable']>> = await cpa.sessions.reconcilable({
      query: { limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) },
    });
    ids.push(...page.items.map((session) => session.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

/**
 * Maps session status keys to the sessions worth a reconcile. The status value is rewritten with
 * every write to the session (its `updated_at` changes), the controller's own progress writes
 * included; a reconcile for each would re-read the session just written and queue behind the one
 * running. So a change counts only when what the steps read from it moved (status, worker,
 * timeslot), and PENDING (the scheduler's) not at all. Desired-state keys are left out: the steps
 * act on the status, which the control plane moves for every desired change. The periodic resync
 * still lists every session, so a dropped trigger is repaired.
 */
export function sessionTriggers(): (etcdKey: string, value: string | null) => string | null {
  const lastSeen = new Map<string, string>();
  return (etcdKey, value) => {
    const parsed = parseEtcdKey(etcdKey);
    if (parsed?.kind !== 'sessionStatus') return null;
    if (value === null) {
      lastSeen.delete(parsed.id);
      return parsed.id;
    }
    let fingerprint: string;
    try {
      const { status, worker_id, timeslot_start, timeslot_end } = decodeEtcdValue('sessionStatus', value);
      if (status === 'PENDING') return null;
      fingerprint = JSON.stringify([status, worker_id, timeslot_start, timeslot_end]);
    } catch {
      return parsed.id;
    }
    if (lastSeen.get(parsed.id) === fingerprint) return null;
    lastSeen.set(parsed.id, fingerprint);
    return parsed.id;
  };
}

/**
 * One reconcile per session (the work queue serialises a key): re-read it through the API and run
 * the step of its status. Each step is idempotent, so a crash anywhere is repaired by running again.
 */
export class SessionLifecycleReconciler implements Reconciler {
  readonly name = 'session-lifecycle';
  readonly sources: readonly KeySource[];

  constructor(
    private readonly deps: SessionDeps,
    sources: { etcd?: Etcd3; logger?: Logger } = {},
  ) {
    const list = new ListSource('reconcilable-sessions', () => listReconcilableSessionIds(deps.cpa));
    this.sources = sources.etcd && sources.logger
      ? [
          new EtcdPrefixSource({
            name: 'session-keys',
            etcd: sources.etcd,
            prefix: etcdPrefixes.sessions,
            logger: sources.logger,
            keyOf: sessionTriggers(),
          }),
          list,
        ]
      : [list];
  }

  async reconcile(key: string, run: ReconcileContext): Promise<ReconcileResult> {
    let session;
    try {
      session = await this.deps.cpa.sessions.get({ params: { lablet_session_id: key } });
    } catch (error) {
      if (isNotFoundError(error)) return done();
      throw error;
    }
    const step = SESSION_STEPS[session.status];
    if (!step) return done();
    return step({ ...this.deps, session, log: run.log.child({ session_status: session.status }), failures: run.failures });
  }
}
