import {
  type CmlWorkerStatus,
  type ReportWorkerActivityBody,
  type WorkerIdleStatus,
  WorkerActivityEventType,
  MAX_RECENT_ACTIVITY_EVENTS,
} from '@lcm/contracts';
import { type WorkerActivity } from '../workers/cml-worker.state';

/**
 * What the idle evaluation reads of a worker: the aggregate's state, or the worker-controller's
 * view of it (the control plane decides the auto-pause, the worker-controller a scale-down).
 */
export interface IdleSubject {
  id: string;
  status: CmlWorkerStatus;
  created_at: string;
  start_initiated_at: string | null;
  activity: WorkerActivity;
}

const MINUTE_MS = 60_000;
/** Service defaults of spec §3.8: activity is checked every 30 min; no auto-pause within 60 min of a resume. */
export const ACTIVITY_CHECK_INTERVAL_MINUTES = 30;
export const RESUME_SNOOZE_MINUTES = 60;
/** CML's own service user; its `user_activity` is not a person working on the worker (spec §7.2). */
const SYSTEM_USER = /^00000000-0000-/;

export interface IdleSettings {
  enabled: boolean;
  timeout_minutes: number;
}

const plusMinutes = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) + minutes * MINUTE_MS).toISOString();
const latest = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;

/** The reported telemetry folded into the worker's activity: only counted types, the newest ten kept. */
export function recordActivity(
  activity: WorkerActivity,
  report: ReportWorkerActivityBody,
  settings: IdleSettings,
): WorkerActivity {
  const counted = report.events
    .filter((event) => WorkerActivityEventType.safeParse(event.type).success)
    .filter((event) => !(event.type === 'user_activity' && event.user_id && SYSTEM_USER.test(event.user_id)))
    .map((event) => ({
      type: event.type,
      at: new Date(event.at).toISOString(),
      user_id: event.user_id ?? null,
    }));
  const recent = [...counted, ...activity.recent_activity_events]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, MAX_RECENT_ACTIVITY_EVENTS);
  const lastActivity = latest(
    activity.last_activity_at,
    counted.reduce<string | null>((newest, event) => latest(newest, event.at), null),
  );
  const checkedAt = new Date(report.checked_at).toISOString();
  return {
    ...activity,
    recent_activity_events: recent,
    last_activity_at: lastActivity,
    last_activity_check_at: checkedAt,
    next_idle_check_at: plusMinutes(checkedAt, ACTIVITY_CHECK_INTERVAL_MINUTES),
    target_pause_at: lastActivity
      ? plusMinutes(lastActivity, settings.timeout_minutes)
      : activity.target_pause_at,
  };
}

/**
 * The idle evaluation of spec §7.2 [P]: idle when nothing counted happened for the timeout since
 * the last activity (or, before any, since the worker last started or resumed); eligible for an
 * auto-pause when also detection is on globally and on the worker, it is not snoozed after a
 * resume, and it is RUNNING.
 */
export function evaluateIdleness(state: IdleSubject, settings: IdleSettings, now: Date): WorkerIdleStatus {
  const activity = state.activity;
  const since =
    activity.last_activity_at ??
    latest(activity.last_resumed_at, state.start_initiated_at) ??
    state.created_at;
  const targetPauseAt = plusMinutes(since, settings.timeout_minutes);
  const isIdle = now.getTime() >= Date.parse(targetPauseAt);
  const snoozeEnd = activity.last_resumed_at
    ? plusMinutes(activity.last_resumed_at, RESUME_SNOOZE_MINUTES)
    : null;
  const snoozedUntil = snoozeEnd && Date.parse(snoozeEnd) > now.getTime() ? snoozeEnd : null;
  return {
    worker_id: state.id,
    last_activity_at: activity.last_activity_at,
    target_pause_at: targetPauseAt,
    next_idle_check_at: activity.next_idle_check_at,
    is_idle: isIdle,
    eligible_for_pause:
      isIdle &&
      settings.enabled &&
      activity.is_idle_detection_enabled &&
      snoozedUntil === null &&
      state.status === 'RUNNING',
    snoozed_until: snoozedUntil,
  };
}
