import { type Clock } from '@lcm/domain';
import { type ControllerAppContext, type Reconciler } from '@lcm/reconciler-runtime';
import { type LabletControllerConfig } from '../config/env.schema';
import { type OutsideSystems } from '../integrations/outside-systems';
import { LabActionsReconciler } from './lab-actions.reconciler';
import { LabDiscoveryReconciler } from './lab-discovery.reconciler';
import { SessionLifecycleReconciler } from './session-lifecycle.reconciler';

export interface LabletReconcilers {
  sessions: SessionLifecycleReconciler;
  labActions: LabActionsReconciler;
  discovery: LabDiscoveryReconciler;
  all: Reconciler[];
}

/** The lablet-controller's reconcilers (one registry, REVIEW.md): sessions, lab actions, lab discovery. */
export function labletReconcilers(
  context: ControllerAppContext<LabletControllerConfig>,
  systems: OutsideSystems,
  clock: Clock,
): LabletReconcilers {
  const { config, cpa, etcd, logger } = context;
  const sessions = new SessionLifecycleReconciler(
    {
      cpa,
      systems,
      clock,
      settings: {
        instantiationLeadMs: config.INSTANTIATION_LEAD_MINUTES * 60_000,
        retentionMs: config.SESSION_RETENTION_MINUTES * 60_000,
        gradingFaultHoldMs: config.GRADING_FAULT_HOLD_MINUTES * 60_000,
        gradingPollGraceMs: config.GRADING_POLL_GRACE_SECONDS * 1000,
        gradingPollIntervalMs: config.GRADING_POLL_INTERVAL_SECONDS * 1000,
        gradingPollDeadlineMs: config.GRADING_POLL_DEADLINE_MINUTES * 60_000,
        maxInstantiationAttempts: config.INSTANTIATION_MAX_ATTEMPTS,
        labPollIntervalMs: config.LAB_POLL_INTERVAL_MS,
        labBootWatchMs: config.LAB_BOOT_WATCH_MS,
      },
    },
    { etcd, logger },
  );
  const labActions = new LabActionsReconciler(
    {
      cpa,
      systems,
      clock,
      pollIntervalMs: config.LAB_POLL_INTERVAL_MS,
      actionTimeoutMs: config.LAB_ACTION_TIMEOUT_SECONDS * 1000,
    },
    { etcd, logger },
  );
  const discovery = new LabDiscoveryReconciler(
    {
      cpa,
      systems,
      clock,
      intervalMs: config.DISCOVERY_INTERVAL_MS,
      parallelism: config.DISCOVERY_PARALLELISM,
    },
    { etcd, logger },
  );
  return { sessions, labActions, discovery, all: [sessions, labActions, discovery] };
}
