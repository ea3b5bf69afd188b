import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Capacity, type CapacitySummary, type WorkerCapacityLine } from '@lcm/contracts';
import { type Clock, type CmlWorkerState, subtractCapacity, sumCapacity } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';

/** More workers than any region runs (NFR: ≥100 per region); beyond it the summary says it is truncated. */
export const CAPACITY_SUMMARY_MAX_WORKERS = 1000;

const NO_CAPACITY: Capacity = { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 };
const DIMENSIONS = ['cpu_cores', 'memory_gb', 'storage_gb', 'max_nodes'] as const;

export class GetCapacitySummaryQuery extends Query<CapacitySummary> {
  constructor(readonly awsRegion?: string) {
    super();
  }
}

function line(state: CmlWorkerState): WorkerCapacityLine {
  const declared = state.declared_capacity ?? NO_CAPACITY;
  const allocated = state.allocated_capacity;
  const utilisation = Object.fromEntries(
    DIMENSIONS.map((dimension) => [
      dimension,
      declared[dimension] > 0 ? allocated[dimension] / declared[dimension] : null,
    ]),
  ) as WorkerCapacityLine['utilisation'];
  return {
    worker_id: state.id,
    name: state.name,
    aws_region: state.aws_region,
    status: state.status,
    service_status: state.service_status,
    declared,
    allocated,
    available: subtractCapacity(declared, allocated),
    utilisation,
    session_count: state.session_ids.length,
  };
}

function totals(lines: readonly WorkerCapacityLine[]) {
  const declared = sumCapacity(lines.map((l) => l.declared));
  const allocated = sumCapacity(lines.map((l) => l.allocated));
  return {
    declared,
    allocated,
    available: subtractCapacity(declared, allocated),
    worker_count: lines.length,
  };
}

const placeable = (l: WorkerCapacityLine): boolean =>
  l.status === 'RUNNING' && l.service_status === 'AVAILABLE';

/** The Capacity page (spec §9): what the fleet can still take, per region and per worker. */
@QueryHandler(GetCapacitySummaryQuery)
export class GetCapacitySummaryHandler implements IQueryHandler<GetCapacitySummaryQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ awsRegion }: GetCapacitySummaryQuery): Promise<CapacitySummary> {
    const states = await this.workers.findLiveWorkersByRegion(awsRegion, CAPACITY_SUMMARY_MAX_WORKERS + 1);
    const lines = states.slice(0, CAPACITY_SUMMARY_MAX_WORKERS).map(line);
    const placeableLines = lines.filter(placeable);
    const regions = [...new Set(placeableLines.map((l) => l.aws_region))].sort();
    return {
      placeable: totals(placeableLines),
      by_region: regions.map((region) => ({
        aws_region: region,
        ...totals(placeableLines.filter((l) => l.aws_region === region)),
      })),
      workers: lines,
      truncated: states.length > CAPACITY_SUMMARY_MAX_WORKERS,
      generated_at: this.clock.now().toISOString(),
    };
  }
}
