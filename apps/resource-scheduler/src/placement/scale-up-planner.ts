import type {
  CmlWorker,
  CmlWorkerStatus,
  PlacementRejectionCategory,
  SystemSettings,
  WorkerTemplate,
} from '@lcm/contracts';
import { type ControlPlane, isConflictError } from '@lcm/cpa-client';
import {
  type PlacementCandidate,
  type PlacementDemand,
  rejectionOf,
  viableTemplates,
  ZERO_CAPACITY,
} from '@lcm/domain';
import { candidateOf, type FleetView } from './fleet-view';

const PAGE = 200;

/** Workers on their way up: they will take sessions once RUNNING and AVAILABLE. */
const COMING_UP: ReadonlySet<CmlWorkerStatus> = new Set(['PENDING', 'PROVISIONING', 'STARTING']);

/** What a worker could never offer, whatever it runs now: status and current use pass with time. */
const LASTING_CATEGORIES: readonly PlacementRejectionCategory[] = ['license', 'ami', 'capacity', 'ports'];

/** The worker with nothing placed on it. */
const emptied = (worker: CmlWorker): PlacementCandidate => ({
  ...candidateOf(worker),
  allocated: ZERO_CAPACITY,
  freePorts: worker.port_range_end - worker.port_range_start + 1,
});

/**
 * A worker that will take sessions soon: on its way to RUNNING, or RUNNING with its CML service
 * still starting — or not answering yet within its template's start-up time (the worker-controller
 * probes CML only after the instance runs; counting that window as "nothing coming" requested a
 * second worker for the same demand on a loaded machine).
 */
function isComingUp(worker: CmlWorker, template: WorkerTemplate, now: number): boolean {
  if (COMING_UP.has(worker.status)) return true;
  if (worker.status !== 'RUNNING') return false;
  if (worker.service_status === 'STARTING') return true;
  const startedAt = Date.parse(worker.start_initiated_at ?? worker.created_at);
  return worker.service_status === 'UNAVAILABLE' && now - startedAt < template.startup_time_minutes * 60_000;
}

export type ScaleUpPlan =
  | { kind: 'requested'; workerId: string; templateId: string }
  | { kind: 'covered'; workerId: string }
  | { kind: 'max_reached'; region: string; maxWorkers: number }
  | { kind: 'cooldown'; region: string; remainingMs: number }
  | { kind: 'awaiting_release'; workerId: string }
  | { kind: 'unschedulable' };

export interface ScaleUpPlannerOptions {
  cpa: ControlPlane;
  fleet: FleetView;
  now?: () => number;
}

/**
 * Spec §7.1 step 6, for one session nothing fits: the cheapest enabled template that could hold
 * it, and a scale-up request unless a worker of a suitable template is already on its way, the
 * region has `scaling.max_workers` workers, or a scale-up in the region is younger than
 * `scaling.scale_up_cooldown_s`. Plans run one at a time on fresh data, so sessions waiting
 * together lead to one request, not one each; the request itself is the new PENDING worker,
 * which every later plan (of this replica or a new leader) sees.
 */
export class ScaleUpPlanner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: ScaleUpPlannerOptions) {
    this.now = options.now ?? Date.now;
  }

  plan(demand: PlacementDemand, sessionId: string): Promise<ScaleUpPlan> {
    const run = this.queue.then(() => this.planNow(demand, sessionId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async planNow(demand: PlacementDemand, sessionId: string): Promise<ScaleUpPlan> {
    const { cpa, fleet } = this.options;
    const [templates] = await Promise.all([this.listTemplates(), fleet.refresh()]);
    const viable = viableTemplates(demand, templates);
    const workers = fleet.listedWorkers();
    if (viable.length === 0) {
      // No template could start a worker for it, but a worker that exists may once it frees up.
      const roomy = workers.find(
        (worker) => rejectionOf(emptied(worker), demand, LASTING_CATEGORIES) === null,
      );
      return roomy ? { kind: 'awaiting_release', workerId: roomy.id } : { kind: 'unschedulable' };
    }
    const suitable = new Map(viable.map((template) => [template.id, template]));
    const starting = workers.find((worker) => {
      const template = worker.template_id === null ? undefined : suitable.get(worker.template_id);
      return template !== undefined && isComingUp(worker, template, this.now());
    });
    if (starting) return { kind: 'covered', workerId: starting.id };

    const { scaling } = await cpa.settings.get();
    let refusal: ScaleUpPlan | null = null;
    for (const template of viable) {
      const blocked = this.regionBlocked(template.region, workers, scaling);
      if (blocked) {
        refusal ??= blocked;
        continue;
      }
      try {
        const { worker_id } = await cpa.workers.requestScaleUp({
          body: {
            template_id: template.id,
            reason: `no worker fits session ${sessionId}`,
            lablet_session_id: sessionId,
          },
        });
        await fleet.refresh();
        return { kind: 'requested', workerId: worker_id, templateId: template.id };
      } catch (error) {
        // 409: the control plane counts the region as full (a worker appeared since the listing).
        if (!isConflictError(error)) throw error;
        fleet.invalidate();
        refusal ??= { kind: 'max_reached', region: template.region, maxWorkers: scaling.max_workers };
      }
    }
    return refusal as ScaleUpPlan;
  }

  private regionBlocked(
    region: string,
    workers: readonly CmlWorker[],
    scaling: SystemSettings['scaling'],
  ): ScaleUpPlan | null {
    const inRegion = workers.filter(
      (worker) => worker.aws_region === region && worker.status !== 'TERMINATED',
    );
    if (inRegion.length >= scaling.max_workers)
      return { kind: 'max_reached', region, maxWorkers: scaling.max_workers };
    const lastScaleUp = Math.max(
      Number.NEGATIVE_INFINITY,
      ...inRegion
        .filter((worker) => worker.origin === 'scale_up')
        .map((worker) => Date.parse(worker.created_at)),
    );
    const remainingMs = lastScaleUp + scaling.scale_up_cooldown_s * 1000 - this.now();
    return remainingMs > 0 ? { kind: 'cooldown', region, remainingMs } : null;
  }

  private async listTemplates(): Promise<WorkerTemplate[]> {
    const templates: WorkerTemplate[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.cpa.templates.list({
        query: { limit: PAGE, ...(cursor ? { cursor } : {}) },
      });
      templates.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return templates;
  }
}
