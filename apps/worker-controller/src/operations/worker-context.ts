import { type CmlWorker, type PatchWorkerBody, type WorkerTemplate } from '@lcm/contracts';
import { type ControlPlane, isNotFoundError } from '@lcm/cpa-client';
import { type Logger } from '@lcm/observability';
import { type RegionsConfig } from '../config/regions-config';
import { type AwsRegions } from '../infrastructure/aws-regions';
import { type CmlClients } from '../infrastructure/cml-clients';
import { type Decisions } from './decisions';

/** Timings and names the reconcilers act by (from the env, see config/env.schema.ts). */
export interface WorkerControllerSettings {
  deploymentName: string;
  transitionPollMs: number;
  ec2ConsistencyGraceMs: number;
  workerBootMinutes: number;
  drainTimeoutHours: number;
  scaleDownGraceMinutes: number;
  activityCheckIntervalMs: number;
  cmlConcurrency: number;
}

/** What every worker-controller reconciler works with. */
export interface WorkerControllerDeps {
  cpa: ControlPlane;
  aws: AwsRegions;
  cml: CmlClients;
  regions: RegionsConfig;
  decisions: Decisions;
  logger: Logger;
  settings: WorkerControllerSettings;
  now: () => Date;
}

/** The worker's template, or null for a worker without one (imported) or whose template was deleted. */
export async function templateOf(cpa: ControlPlane, worker: CmlWorker): Promise<WorkerTemplate | null> {
  if (!worker.template_id) return null;
  try {
    return await cpa.templates.get({ params: { worker_template_id: worker.template_id } });
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw error;
  }
}

/** Reports observed state (PATCH); the control plane checks the transition table. */
export function report(cpa: ControlPlane, workerId: string, body: PatchWorkerBody): Promise<CmlWorker> {
  return cpa.workers.patch({ params: { worker_id: workerId }, body });
}
