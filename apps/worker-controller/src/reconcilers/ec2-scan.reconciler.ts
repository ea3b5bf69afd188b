import { isConflictError } from '@lcm/cpa-client';
import { LCM_TAGS } from '@lcm/integrations/aws';
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
  imported_instances: number;
}

/**
 * Drift and orphan detection over the whole fleet (spec §7.2): one batched describe per region of
 * every worker's instance; an instance stopped, started, re-addressed or terminated outside LCM is
 * reported as observed state and a worker whose instance is gone becomes TERMINATED
 * (`orphan_detection`). With discovery enabled, instances of the discovery AMI pattern that no
 * worker knows are imported.
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
    const summary: Ec2ScanSummary = { workers: workers.length, drift_reports: 0, imported_instances: 0 };
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
      summary.imported_instances = await this.discover(
        settings.discovery,
        new Set(withInstance.map((worker) => worker.aws_instance_id)),
      );
    return summary;
  }

  /**
   * Imports instances of the discovery AMI pattern that no worker has (origin ec2_discovery, UNKNOWN
   * until the next scan reports their EC2 state). LCM's own launches are never "discovered": a
   * worker whose launch report is still on its way owns its instance.
   */
  private async discover(
    discovery: { regions: string[]; ami_name_pattern: string },
    known: ReadonlySet<string>,
  ): Promise<number> {
    const { deps } = this;
    let imported = 0;
    const regions = discovery.regions.length > 0 ? discovery.regions : deps.regions.regions;
    for (const region of regions) {
      const aws = deps.aws.port(region);
      const images = await aws.findImages(
        discovery.ami_name_pattern,
        deps.regions.has(region) ? deps.regions.network(region).ami_owners : undefined,
      );
      if (images.length === 0) continue;
      const instances = await aws.findInstances({ imageIds: images.map((image) => image.image_id) });
      const foreign = instances.filter(
        (instance) =>
          !known.has(instance.instance_id) &&
          instance.tags[LCM_TAGS.deployment] !== deps.settings.deploymentName,
      );
      for (const instance of foreign) {
        try {
          await deps.cpa.workers.import({
            body: {
              aws_region: region,
              aws_instance_id: instance.instance_id,
              ...(instance.tags['Name'] ? { name: instance.tags['Name'].slice(0, 100) } : {}),
            },
          });
          imported++;
          deps.decisions.record('discovery', 'imported', {
            region,
            instance_id: instance.instance_id,
            image_id: instance.image_id,
          });
        } catch (error) {
          if (!isConflictError(error)) throw error; // another replica or an operator imported it meanwhile
        }
      }
    }
    return imported;
  }
}
