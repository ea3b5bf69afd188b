import { type CmlWorker } from '@lcm/contracts';
import { detectEc2Drift } from '@lcm/domain';
import { type Ec2InstanceInfo } from '@lcm/integrations/aws';
import { report, type WorkerControllerDeps } from './worker-context';

/**
 * Reports what changed outside LCM (spec §7.2 drift) as observed state: each status of the chain
 * the transition table allows, or the new addresses (and endpoint) of a re-addressed instance.
 * Returns whether anything was reported.
 */
export async function reportDrift(
  deps: WorkerControllerDeps,
  worker: CmlWorker,
  instance: Ec2InstanceInfo | null,
): Promise<boolean> {
  const drift = detectEc2Drift(worker, instance);
  if (drift.statuses.length === 0 && !drift.addresses) return false;
  for (const status of drift.statuses) {
    await report(deps.cpa, worker.id, {
      status,
      reason: drift.reason,
      ...(status === 'STOPPED' ? { ec2_instance_state_detail: instance?.state ?? 'stopped' } : {}),
    });
  }
  if (drift.addresses) {
    const endpoint = deps.cml.baseUrl({ ...worker, ...drift.addresses });
    await report(deps.cpa, worker.id, {
      ...drift.addresses,
      ...(endpoint ? { https_endpoint: endpoint } : {}),
      reason: drift.reason,
    });
  }
  if (drift.statuses.includes('STOPPED') || drift.statuses.includes('TERMINATED')) deps.cml.forget(worker.id);
  deps.decisions.record('drift', drift.reason, {
    worker_id: worker.id,
    from: worker.status,
    reported: drift.statuses,
    instance_id: worker.aws_instance_id,
  });
  return true;
}
