import type { ControllerAppContext, Reconciler } from '@lcm/reconciler-runtime';
import type { SchedulerConfig } from '../config/env.schema';
import { DefinitionDemands } from '../placement/definition-demands';
import { etcdCapacityKeys, FleetView } from '../placement/fleet-view';
import { type PendingPlacements } from '../placement/pending-placements';
import { ScaleUpPlanner } from '../placement/scale-up-planner';
import { ScheduleBatcher } from '../placement/schedule-batcher';
import { type SchedulerStats } from '../placement/scheduler-stats';
import { SessionSnapshots } from '../placement/session-snapshots';
import { FleetChangeSource, pendingSessionList, pendingSessionWatch } from '../placement/session-sources';
import { sessionPlacementReconciler } from './session-placement.reconciler';

/** What the scheduler's reconcilers share with its admin routes. */
export interface SchedulerParts {
  pending: PendingPlacements;
  stats: SchedulerStats;
}

/** The registry: the scheduler has one reconciler, session placement (spec §7.1). */
export function schedulerReconcilers(
  context: ControllerAppContext<SchedulerConfig>,
  parts: SchedulerParts,
): Reconciler[] {
  const { config, cpa, etcd, logger } = context;
  const fleet = new FleetView({
    cpa,
    capacityKeys: etcdCapacityKeys(etcd),
    maxAgeMs: config.FLEET_MAX_AGE_MS,
    log: logger,
  });
  const snapshots = new SessionSnapshots();
  return [
    sessionPlacementReconciler({
      cpa,
      fleet,
      definitions: new DefinitionDemands(cpa, config.FLEET_MAX_AGE_MS),
      planner: new ScaleUpPlanner({ cpa, fleet }),
      batcher: new ScheduleBatcher(cpa, config.SCHEDULE_BATCH_WINDOW_MS),
      pending: parts.pending,
      snapshots,
      stats: parts.stats,
      sources: [
        pendingSessionWatch(etcd, snapshots, logger),
        pendingSessionList(cpa, snapshots),
        new FleetChangeSource(etcd, fleet, parts.pending, logger),
      ],
      leadWindowMs: config.LEAD_WINDOW_MINUTES * 60_000,
      noFitRetryMs: config.RESYNC_INTERVAL_MS,
      conflictsBeforeBackoff: config.CONFLICTS_BEFORE_BACKOFF,
      backoff: {
        initialMs: 1_000,
        maxMs: 60_000,
        escalation: {
          afterFailures: config.FAILURES_BEFORE_PAUSE,
          delayMs: config.FAILURE_PAUSE_SECONDS * 1000,
        },
      },
    }),
  ];
}
