import { type Etcd3 } from 'etcd3';
import { type Reconciler } from '@lcm/reconciler-runtime';
import { type WorkerControllerDeps } from '../operations/worker-context';
import { Ec2ScanReconciler, ec2ScanSources } from './ec2-scan.reconciler';
import {
  FleetMetricsReconciler,
  fleetMetricsSources,
  METRICS_DUE_NOW_KEY,
  TriggerSource,
} from './fleet-metrics.reconciler';
import {
  etcdLicenseRequests,
  WorkerLicenseReconciler,
  workerLicenseSources,
} from './worker-license.reconciler';
import { WorkerLifecycleReconciler, workerLifecycleSources } from './worker-lifecycle.reconciler';

export interface WorkerControllerIntervals {
  metricsPollIntervalMs: number;
  discoveryIntervalMs: number;
}

export interface WorkerControllerReconcilers {
  lifecycle: WorkerLifecycleReconciler;
  metrics: FleetMetricsReconciler;
  scan: Ec2ScanReconciler;
  license: WorkerLicenseReconciler;
  all: Reconciler[];
}

/** The registry: every reconciler of the worker-controller with its key sources. */
export function workerControllerReconcilers(
  deps: WorkerControllerDeps,
  etcd: Etcd3,
  intervals: WorkerControllerIntervals,
): WorkerControllerReconcilers {
  const metricsTrigger = new TriggerSource(METRICS_DUE_NOW_KEY);
  const metrics = new FleetMetricsReconciler(
    deps,
    fleetMetricsSources(intervals.metricsPollIntervalMs, metricsTrigger),
    intervals.metricsPollIntervalMs,
  );
  const lifecycle = new WorkerLifecycleReconciler(deps, workerLifecycleSources(deps, etcd), () =>
    metricsTrigger.fire(),
  );
  const scan = new Ec2ScanReconciler(deps, ec2ScanSources(intervals.discoveryIntervalMs));
  const license = new WorkerLicenseReconciler(
    deps,
    etcdLicenseRequests(etcd),
    workerLicenseSources(deps, etcd),
  );
  return { lifecycle, metrics, scan, license, all: [lifecycle, metrics, scan, license] };
}
