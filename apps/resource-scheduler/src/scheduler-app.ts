import type { Logger } from '@lcm/observability';
import type { ControllerAppSpec, LeaderElection } from '@lcm/reconciler-runtime';
import { registerPendingRoute, type SchedulerAdminOptions, schedulerStatus } from './admin/scheduler-admin';
import type { SchedulerConfig } from './config/env.schema';
import { PendingPlacements } from './placement/pending-placements';
import { SchedulerStats } from './placement/scheduler-stats';
import { schedulerReconcilers } from './reconcilers';

/** Placements in flight at once unless PARALLELISM says otherwise. */
export const PLACEMENT_PARALLELISM = 50;

/** The resource-scheduler as a controller app: one reconciler, the pending view and its stats on the admin API. */
export function schedulerAppSpec(
  config: SchedulerConfig,
  logger?: Logger,
): ControllerAppSpec<SchedulerConfig> {
  const pending = new PendingPlacements();
  const stats = new SchedulerStats();
  const admin: SchedulerAdminOptions = {
    apiKey: config.CPA_API_KEY,
    pending,
    leadWindowMinutes: config.LEAD_WINDOW_MINUTES,
    resyncIntervalMs: config.RESYNC_INTERVAL_MS,
  };
  let leader: LeaderElection | null = null;
  return {
    name: 'resource-scheduler',
    config,
    ...(logger ? { logger } : {}),
    // A placement mostly waits for its schedule call, and the calls decided together go to the
    // control plane as one batch that it writes per worker in one go: the more placements in
    // flight, the bigger (and cheaper per session) the batches (docs/bench/placement.md).
    defaultParallelism: PLACEMENT_PARALLELISM,
    routes: (app, context) => {
      leader = context.leader;
      context.leader.onChange((leading) => {
        if (!leading) pending.clear();
      });
      stats.registerOn(context.metrics.registry);
      registerPendingRoute(app, admin);
    },
    reconcilers: (context) => schedulerReconcilers(context, { pending, stats }),
    stats: async () => (leader ? schedulerStatus(leader, stats, admin) : {}),
  };
}
