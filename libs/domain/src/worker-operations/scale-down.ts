import { type CmlWorkerStatus, type WorkerDesiredStatus, type WorkerIdleStatus } from '@lcm/contracts';

/** The guards of spec §7.2 scale-down, in the order they are checked, plus FR-2.5.3a. */
export const SCALE_DOWN_GUARDS = [
  'scale_down_disabled',
  'already_paused',
  'not_idle',
  'not_eligible_for_pause',
  'min_workers',
  'cooldown',
  'sessions_on_worker',
  'sessions_due',
] as const;
export type ScaleDownGuard = (typeof SCALE_DOWN_GUARDS)[number];

export interface ScaleDownInput {
  settings: { scale_down_enabled: boolean; min_workers: number; scale_down_cooldown_s: number };
  worker: { status: CmlWorkerStatus; desired_status: WorkerDesiredStatus };
  idle: Pick<WorkerIdleStatus, 'is_idle' | 'eligible_for_pause'>;
  /** RUNNING workers now, less those drained earlier in the same pass. */
  running_workers: number;
  /** This controller's last scale-down drain, or null. */
  last_drain_at: Date | null;
  /** Non-terminal sessions holding the worker. */
  sessions_on_worker: number;
  /** Sessions still waiting for a worker whose timeslot starts within the grace period (or as soon as possible). */
  sessions_due_within_grace: number;
  now: Date;
}

export type ScaleDownDecision = { drain: true } | { drain: false; blocked_by: ScaleDownGuard };

/**
 * Whether an idle worker is drained (spec §7.2): (1) not already auto-paused, (2) idle, (3)
 * eligible for a pause, (4) more RUNNING workers than `min_workers`, (5) the cooldown since this
 * controller's last drain passed; and (FR-2.5.3a) no session on it and none due within the grace
 * period. The first guard that holds names the decision.
 */
export function evaluateScaleDown(input: ScaleDownInput): ScaleDownDecision {
  const { settings, worker, idle } = input;
  const blocked = (guard: ScaleDownGuard): ScaleDownDecision => ({ drain: false, blocked_by: guard });
  if (!settings.scale_down_enabled) return blocked('scale_down_disabled');
  if (worker.status !== 'RUNNING' || worker.desired_status !== 'running') return blocked('already_paused');
  if (!idle.is_idle) return blocked('not_idle');
  if (!idle.eligible_for_pause) return blocked('not_eligible_for_pause');
  if (input.running_workers <= settings.min_workers) return blocked('min_workers');
  if (
    input.last_drain_at &&
    input.now.getTime() - input.last_drain_at.getTime() < settings.scale_down_cooldown_s * 1000
  )
    return blocked('cooldown');
  if (input.sessions_on_worker > 0) return blocked('sessions_on_worker');
  if (input.sessions_due_within_grace > 0) return blocked('sessions_due');
  return { drain: true };
}
