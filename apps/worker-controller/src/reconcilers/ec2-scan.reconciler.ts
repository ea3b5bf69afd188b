import { type CmlWorker } from '@lcm/contracts';
import {
  done,
  type KeySource,
  ListSource,
  type Reconciler,
  type ReconcileResult,
} from '@lcm/reconciler-runtime';
import { reportDrift } from '../operations/drift';
import { groupBy } from '../operations/limited';
import { listAll } from '../operations/paging';
import { type WorkerControllerDeps } from '../operations/worker-context';

export const EC2_SCAN_KEY = 'ec2-scan';

export function ec2ScanSources(intervalMs: number): KeySource[] {
  return [new ListSource('scan-interval', async () => [EC2_SCAN_KEY], intervalMs)];
}

export interface Ec2ScanSummary {
  workers: number;
  drift_reports: number;
  unknown_instances: number;
}

/**
 * Drift and orphan detection over the whole fleet (spec §7.2): one batched describe per region of
 * every worker's instance; an instance stopped, started, re-addressed or terminated outside LCM is
 * reported as observed state and a worker whose instance is gone becomes TERMINATED
 * (`orphan_detection`). With discovery enabled, instances of the discovery AMI pattern that no
 * worker knows are counted and logged for an operator to import.
 */
export class Ec2ScanReconciler implements Reconciler {
  readonly name = 'ec2-scan';
  readonly parallelism = 1;
  lastScan: Ec2ScanSummary | null = null;

  constructor(
    private readonly deps: WorkerControllerDeps,
    readonly sources: readonly KeySource[],
  ) {}

  async reconcile(): Promise<ReconcileResult> {
    this.lastScan = await this.scan();
    return done();
  }

  async scan(): Promise<Ec2ScanSummary> {
    const { deps } = this;
    const [settings, workers] = await Promise.all([
      deps.cpa.settings.get(),
      listAll((query) => deps.cpa.workers.list({ query })),
    ]);
    const summary: Ec2ScanSummary = { workers: workers.length, drift_reports: 0, unknown_instances: 0 };
    const withInstance = workers.filter(
      (worker): worker is CmlWorker & { aws_instance_id: string } => worker.aws_instance_id !== null,
    );
    for (const [region, regional] of groupBy(withInstance, (worker) => worker.aws_region)) {
      const instances = new Map(
        (await deps.aws.port(region).describeInstances(regional.map((worker) => worker.aws_instance_id))).map(
          (i) => [i.instance_id, i],
        ),
      );
      for (const worker of regional) {
        try {
          if (await reportDrift(deps, worker, instances.get(worker.aws_instance_id) ?? null))
            summary.drift_reports++;
        } catch (error) {
          deps.logger.warn(
            { worker_id: worker.id, err: error },
            'drift report of one worker failed; the scan goes on',
          );
        }
      }
    }
    if (settings.discovery.enabled)
      summary.unknown_instances = await this.discover(
        settings.discovery,
        new Set(withInstance.map((worker) => worker.aws_instance_id)),
      );
    return summary;
  }

  private async discover(
    discovery: { regions: string[]; ami_name_pattern: string },
    known: ReadonlySet<string>,
  ): Promise<number> {
    const { deps } = this;
    let unknown = 0;
    const regions = discovery.regions.length > 0 ? discovery.regions : deps.regions.regions;
    for (const region of regions) {
      const aws = deps.aws.port(region);
      const images = await aws.findImages(
        discovery.ami_name_pattern,
        deps.regions.has(region) ? deps.regions.network(region).ami_owners : undefined,
      );
      if (images.length === 0) continue;
      const instances = await aws.findInstances({ imageIds: images.map((image) => image.image_id) });
      for (const instance of instances.filter((candidate) => !known.has(candidate.instance_id))) {
        unknown++;
        deps.decisions.record('discovery', 'unknown_instance', {
          region,
          instance_id: instance.instance_id,
          image_id: instance.image_id,
          state: instance.state,
        });
      }
    }
    return unknown;
  }
}
