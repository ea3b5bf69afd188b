import { z } from 'zod';
import { controllerEnvSchema } from '@lcm/reconciler-runtime';

/** The resource-scheduler's settings (spec §2: port 8081) with safe local defaults. */
export const SchedulerEnvSchema = controllerEnvSchema(8081, {
  /** Future reservations are placed only this close to their start (decision 14); ASAP ones at once. */
  LEAD_WINDOW_MINUTES: z.coerce.number().int().positive().default(35),
  /**
   * Oldest the worker list may be before a decision lists it again. The etcd watch of the worker
   * keys keeps it fresher than that (capacity applied at once, a status change re-lists), so this
   * only bounds how long a missed event can mislead (spec §6: the scheduler caches 30 s).
   */
  FLEET_MAX_AGE_MS: z.coerce.number().int().min(0).default(30_000),
  /** Spec §7.1 step 7: after this many consecutive failures of one session its retry waits FAILURE_PAUSE_SECONDS. */
  FAILURES_BEFORE_PAUSE: z.coerce.number().int().positive().default(5),
  FAILURE_PAUSE_SECONDS: z.coerce.number().int().positive().default(300),
  /** Placements decided within this window go to the control plane in one batch schedule call. */
  SCHEDULE_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /** Schedule answers 409/422 this many times in a row for one session before it backs off like a failure. */
  CONFLICTS_BEFORE_BACKOFF: z.coerce.number().int().positive().default(3),
});

export type SchedulerConfig = z.output<typeof SchedulerEnvSchema>;
