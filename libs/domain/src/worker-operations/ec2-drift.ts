import { type CmlWorkerStatus } from '@lcm/contracts';
import { CML_WORKER_TRANSITIONS, workerStatusForObservedEc2State } from '../workers/worker.transitions';

/** Statuses a report may pass through on its way to the observed one (never RUNNING: only a CML probe makes a worker RUNNING). */
const INTERMEDIATE: ReadonlySet<CmlWorkerStatus> = new Set([
  'STARTING',
  'STOPPING',
  'STOPPED',
  'SHUTTING_DOWN',
  'UNKNOWN',
]);

/**
 * The shortest chain of statuses from `from` to `to` through the transition table (spec §4.3),
 * excluding `from`; [] when already there, null when the table offers no way. A worker stopped in
 * the console while RUNNING is reported as STOPPING then STOPPED, each an allowed edge.
 */
export function workerStatusPath(from: CmlWorkerStatus, to: CmlWorkerStatus): CmlWorkerStatus[] | null {
  if (from === to) return [];
  const previous = new Map<CmlWorkerStatus, CmlWorkerStatus>();
  const queue: CmlWorkerStatus[] = [from];
  while (queue.length > 0) {
    const current = queue.shift() as CmlWorkerStatus;
    for (const next of CML_WORKER_TRANSITIONS[current] as readonly CmlWorkerStatus[]) {
      if (previous.has(next) || next === from) continue;
      previous.set(next, current);
      if (next === to) {
        const path: CmlWorkerStatus[] = [to];
        for (let step = current; step !== from; step = previous.get(step) as CmlWorkerStatus)
          path.unshift(step);
        return path;
      }
      if (INTERMEDIATE.has(next)) queue.push(next);
    }
  }
  return null;
}

/** Statuses the worker-controller holds steady; the others are moved by its own lifecycle steps, not by drift. */
const STEADY: ReadonlySet<CmlWorkerStatus> = new Set(['RUNNING', 'DRAINING', 'STOPPED', 'FAILED', 'UNKNOWN']);

export interface ObservedInstance {
  state: string;
  public_ip: string | null;
  private_ip: string | null;
}

export interface WorkerDrift {
  /** Statuses to report in order; empty when the status still matches EC2. */
  statuses: CmlWorkerStatus[];
  reason: string;
  /** New addresses of a running instance, when EC2 re-addressed it. */
  addresses: { public_ip: string | null; private_ip: string | null } | null;
}

/**
 * What changed outside LCM (spec §7.2 drift): an instance stopped, terminated, gone (`null`) or
 * re-addressed. An unrequested start is reported as STARTING so the CML probe decides RUNNING; a
 * FAILED worker only learns that its instance is gone.
 */
export function detectEc2Drift(
  worker: { status: CmlWorkerStatus; public_ip: string | null; private_ip: string | null },
  instance: ObservedInstance | null,
): WorkerDrift {
  const none: WorkerDrift = { statuses: [], reason: 'in_sync', addresses: null };
  if (!STEADY.has(worker.status)) return none;
  if (instance === null)
    return {
      statuses: workerStatusPath(worker.status, 'TERMINATED') ?? [],
      reason: 'orphan_detection',
      addresses: null,
    };
  let target = workerStatusForObservedEc2State(instance.state);
  if (
    (target === 'RUNNING' || target === 'PROVISIONING') &&
    worker.status !== 'RUNNING' &&
    worker.status !== 'DRAINING'
  )
    target = 'STARTING';
  if (worker.status === 'DRAINING' && target === 'RUNNING') target = 'DRAINING';
  if (worker.status === 'FAILED' && target !== 'TERMINATED') return none;
  const statuses = workerStatusPath(worker.status, target) ?? [];
  const running =
    instance.state === 'running' && (worker.status === 'RUNNING' || worker.status === 'DRAINING');
  const readdressed =
    running && (instance.public_ip !== worker.public_ip || instance.private_ip !== worker.private_ip);
  return {
    statuses,
    reason:
      statuses.length > 0
        ? `ec2_${instance.state.replace('-', '_')}`
        : readdressed
          ? 'ec2_readdressed'
          : 'in_sync',
    addresses: readdressed ? { public_ip: instance.public_ip, private_ip: instance.private_ip } : null,
  };
}
