import type {
  Capacity,
  CmlServiceStatus,
  CmlWorkerStatus,
  LabletDefinition,
  LicenseType,
  PlacementRejectionCategory,
} from '@lcm/contracts';
import {
  amiRequirementFailure,
  compileAmiRequirement,
  type CompiledAmiRequirement,
} from './ami-requirements';
import { licenseNodeLimit, licenseSatisfiesAffinity } from './license-compatibility';

/** What one session of a definition asks of a worker, compiled once per definition. */
export interface PlacementDemand {
  /** `max_nodes` carries the definition's node count. */
  readonly capacity: Capacity;
  readonly portCount: number;
  readonly licenseAffinity: readonly LicenseType[];
  readonly amiRequirements: readonly CompiledAmiRequirement[];
}

export type PlacementDefinition = Pick<
  LabletDefinition,
  'node_count' | 'resource_requirements' | 'port_template' | 'license_affinity'
>;

export function placementDemandOf(definition: PlacementDefinition): PlacementDemand {
  const { cpu_cores, memory_gb, storage_gb, ami_requirements } = definition.resource_requirements;
  return {
    capacity: { cpu_cores, memory_gb, storage_gb, max_nodes: definition.node_count },
    portCount: definition.port_template.length,
    licenseAffinity: [...definition.license_affinity],
    amiRequirements: ami_requirements.map(compileAmiRequirement),
  };
}

/** A worker as placement sees it: status, licence, AMI, capacity and free ports. */
export interface PlacementCandidate {
  readonly id: string;
  readonly status: CmlWorkerStatus;
  readonly serviceStatus: CmlServiceStatus;
  readonly licenseType: LicenseType | null;
  readonly amiName: string | null;
  /** The CML version the worker reports; null falls back to the version in the AMI name. */
  readonly cmlVersion: readonly number[] | null;
  /** null: an imported worker without template or explicit capacity takes nothing (decision 13). */
  readonly declared: Capacity | null;
  readonly allocated: Capacity;
  readonly freePorts: number;
}

export interface WorkerRejection {
  readonly worker_id: string;
  readonly category: PlacementRejectionCategory;
  readonly reason: string;
}

export type RejectionSummary = Partial<Record<PlacementRejectionCategory, number>>;

export type PlacementDecision =
  | { readonly kind: 'placed'; readonly workerId: string; readonly score: number }
  | {
      readonly kind: 'no_fit';
      readonly rejections: readonly WorkerRejection[];
      readonly summary: RejectionSummary;
    };

const DIMENSIONS = ['cpu_cores', 'memory_gb', 'storage_gb', 'max_nodes'] as const;

type Check = (worker: PlacementCandidate, demand: PlacementDemand) => string | null;

/** Spec §7.1 step 3, in the order applied; the first failing category names the rejection. */
const CHECKS: ReadonlyArray<readonly [PlacementRejectionCategory, Check]> = [
  [
    'status',
    (worker) =>
      worker.status === 'RUNNING' && worker.serviceStatus === 'AVAILABLE'
        ? null
        : `worker is ${worker.status} with CML ${worker.serviceStatus}; only RUNNING and AVAILABLE take sessions`,
  ],
  [
    'license',
    (worker, demand) => {
      if (!licenseSatisfiesAffinity(worker.licenseType, demand.licenseAffinity))
        return `licence ${worker.licenseType ?? 'unknown'} is not in the lab's affinity [${demand.licenseAffinity.join(', ')}]`;
      const limit = licenseNodeLimit(worker.licenseType, worker.declared?.max_nodes ?? 0);
      return demand.capacity.max_nodes > limit
        ? `licence ${worker.licenseType ?? 'unknown'} allows ${limit} nodes per lab; the lab has ${demand.capacity.max_nodes}`
        : null;
    },
  ],
  [
    'ami',
    (worker, demand) => {
      for (const requirement of demand.amiRequirements) {
        const failure = amiRequirementFailure(requirement, worker.amiName, worker.cmlVersion);
        if (failure) return failure;
      }
      return null;
    },
  ],
  [
    'capacity',
    (worker, demand) => {
      const declared = worker.declared;
      if (declared === null) return 'no declared capacity (decision 13)';
      if (hasCapacityFor(worker, demand)) return null;
      return DIMENSIONS.filter(
        (dimension) => demand.capacity[dimension] > declared[dimension] - worker.allocated[dimension],
      )
        .map((dimension) => {
          const free = Math.max(0, declared[dimension] - worker.allocated[dimension]);
          return `${dimension} ${demand.capacity[dimension]} needed, ${free} free`;
        })
        .join('; ');
    },
  ],
  [
    'ports',
    (worker, demand) =>
      worker.freePorts >= demand.portCount
        ? null
        : `${demand.portCount} ports needed, ${worker.freePorts} free`,
  ],
];

/** Free cpu, memory, storage and nodes cover one session of `demand` (the worker declares capacity). */
function hasCapacityFor(worker: PlacementCandidate, demand: PlacementDemand): boolean {
  const declared = worker.declared as Capacity;
  const allocated = worker.allocated;
  const need = demand.capacity;
  return (
    need.cpu_cores <= declared.cpu_cores - allocated.cpu_cores &&
    need.memory_gb <= declared.memory_gb - allocated.memory_gb &&
    need.storage_gb <= declared.storage_gb - allocated.storage_gb &&
    need.max_nodes <= declared.max_nodes - allocated.max_nodes
  );
}

/** The categories that depend on the worker alone, not on what is placed on it. */
const LASTING_CATEGORIES: readonly PlacementRejectionCategory[] = ['status', 'license', 'ami'];

/** Why `worker` cannot take one session of `demand` now, or null when it can. */
export function rejectionOf(
  worker: PlacementCandidate,
  demand: PlacementDemand,
  categories: readonly PlacementRejectionCategory[] = ALL_CATEGORIES,
): WorkerRejection | null {
  for (const [category, check] of CHECKS) {
    if (!categories.includes(category)) continue;
    const reason = check(worker, demand);
    if (reason !== null) return { worker_id: worker.id, category, reason };
  }
  return null;
}

const ALL_CATEGORIES: readonly PlacementRejectionCategory[] = CHECKS.map(([category]) => category);

/**
 * Bin-packing score (spec §7.1 step 4): the worker's utilisation after placement, the mean of the
 * cpu, memory, storage and node fractions. A dimension the worker declares as 0 counts as full.
 */
export function utilisationAfter(worker: PlacementCandidate, demand: PlacementDemand): number {
  const declared = worker.declared;
  if (declared === null) return 0;
  const allocated = worker.allocated;
  const need = demand.capacity;
  // Spelled out per dimension: this runs once per worker per decision.
  return (
    (fraction(allocated.cpu_cores + need.cpu_cores, declared.cpu_cores) +
      fraction(allocated.memory_gb + need.memory_gb, declared.memory_gb) +
      fraction(allocated.storage_gb + need.storage_gb, declared.storage_gb) +
      fraction(allocated.max_nodes + need.max_nodes, declared.max_nodes)) /
    4
  );
}

const fraction = (used: number, total: number): number => (total > 0 ? used / total : 1);

interface FleetWorker extends PlacementCandidate {
  allocated: Capacity;
  freePorts: number;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The workers one placement pass decides over. Each decision costs one scan of the workers and
 * never looks at sessions: what earlier placements took is folded into each worker's allocated
 * capacity and free port count (`reserve`), so the cost per decision does not grow with the
 * number of sessions already placed. Workers are kept in id order, so the first best score wins
 * ties by the lowest worker id.
 */
export class PlacementFleet {
  private readonly workers: FleetWorker[];
  private readonly index = new Map<string, FleetWorker>();
  /** Per demand, the workers that pass status, licence and AMI; valid until a worker's lasting facts change. */
  private readonly lasting = new WeakMap<PlacementDemand, { generation: number; workers: FleetWorker[] }>();
  private generation = 0;

  constructor(candidates: Iterable<PlacementCandidate>) {
    this.workers = [...candidates].map((candidate) => ({
      ...candidate,
      allocated: { ...candidate.allocated },
    }));
    this.workers.sort(byId);
    for (const worker of this.workers) this.index.set(worker.id, worker);
  }

  get size(): number {
    return this.workers.length;
  }

  get(workerId: string): PlacementCandidate | undefined {
    return this.index.get(workerId);
  }

  all(): readonly PlacementCandidate[] {
    return this.workers;
  }

  /** The best worker for one session of `demand`, or every worker's rejection when none fits. */
  decide(demand: PlacementDemand): PlacementDecision {
    let best: FleetWorker | null = null;
    let bestScore = -1;
    for (const worker of this.lastingCandidates(demand)) {
      if (worker.declared === null || worker.freePorts < demand.portCount || !hasCapacityFor(worker, demand))
        continue;
      const score = utilisationAfter(worker, demand);
      if (score > bestScore) {
        best = worker;
        bestScore = score;
      }
    }
    if (best) return { kind: 'placed', workerId: best.id, score: bestScore };
    const rejections = this.workers.map((worker) => rejectionOf(worker, demand) as WorkerRejection);
    return { kind: 'no_fit', rejections, summary: summarise(rejections) };
  }

  /** Decides and, when a worker fits, reserves the session's share on it for later decisions. */
  place(demand: PlacementDemand): PlacementDecision {
    const decision = this.decide(demand);
    if (decision.kind === 'placed') this.reserve(decision.workerId, demand);
    return decision;
  }

  reserve(workerId: string, demand: PlacementDemand): void {
    this.adjust(workerId, demand, 1);
  }

  /** Gives back a reservation the control plane did not confirm. */
  release(workerId: string, demand: PlacementDemand): void {
    this.adjust(workerId, demand, -1);
  }

  /** Replaces one worker's view (a fresher capacity report), keeping the id order. */
  upsert(candidate: PlacementCandidate): void {
    const existing = this.index.get(candidate.id);
    if (existing) {
      if (changesLastingFacts(existing, candidate)) this.generation += 1;
      Object.assign(existing, candidate, { allocated: { ...candidate.allocated } });
      return;
    }
    this.generation += 1;
    const worker: FleetWorker = { ...candidate, allocated: { ...candidate.allocated } };
    let position = this.workers.findIndex((other) => byId(worker, other) < 0);
    if (position < 0) position = this.workers.length;
    this.workers.splice(position, 0, worker);
    this.index.set(worker.id, worker);
  }

  private lastingCandidates(demand: PlacementDemand): FleetWorker[] {
    const cached = this.lasting.get(demand);
    if (cached && cached.generation === this.generation) return cached.workers;
    const workers = this.workers.filter((worker) => rejectionOf(worker, demand, LASTING_CATEGORIES) === null);
    this.lasting.set(demand, { generation: this.generation, workers });
    return workers;
  }

  private adjust(workerId: string, demand: PlacementDemand, sign: 1 | -1): void {
    const worker = this.index.get(workerId);
    if (!worker) return;
    for (const dimension of DIMENSIONS)
      worker.allocated[dimension] = Math.max(
        0,
        worker.allocated[dimension] + sign * demand.capacity[dimension],
      );
    worker.freePorts = Math.max(0, worker.freePorts - sign * demand.portCount);
  }
}

/** Whether a worker's new view could change its status, licence or AMI verdict. */
function changesLastingFacts(before: PlacementCandidate, after: PlacementCandidate): boolean {
  return (
    before.status !== after.status ||
    before.serviceStatus !== after.serviceStatus ||
    before.licenseType !== after.licenseType ||
    before.amiName !== after.amiName ||
    String(before.cmlVersion) !== String(after.cmlVersion) ||
    // The node limit of licences other than PERSONAL and ENTERPRISE is the worker's node maximum.
    before.declared?.max_nodes !== after.declared?.max_nodes
  );
}

export function summarise(rejections: readonly WorkerRejection[]): RejectionSummary {
  const summary: RejectionSummary = {};
  for (const { category } of rejections) summary[category] = (summary[category] ?? 0) + 1;
  return summary;
}
