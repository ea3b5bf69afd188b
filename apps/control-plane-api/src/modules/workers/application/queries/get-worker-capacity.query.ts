import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type WorkerCapacitySnapshot } from '@lcm/contracts';
import { ZERO_CAPACITY } from '@lcm/domain';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { toCapacitySnapshot } from '../../infrastructure/cml-worker.views';
import { storedWorker } from '../stored-worker';

export class GetWorkerCapacityQuery extends Query<WorkerCapacitySnapshot> {
  constructor(readonly workerId: string) {
    super();
  }
}

/** A worker without declared capacity shows none declared and none available (decision 13). */
@QueryHandler(GetWorkerCapacityQuery)
export class GetWorkerCapacityHandler implements IQueryHandler<GetWorkerCapacityQuery> {
  constructor(@Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository) {}

  async execute({ workerId }: GetWorkerCapacityQuery): Promise<WorkerCapacitySnapshot> {
    const state = await storedWorker(this.workers, workerId);
    return (
      toCapacitySnapshot(state) ?? {
        worker_id: state.id,
        declared_capacity: { ...ZERO_CAPACITY },
        allocated_capacity: state.allocated_capacity,
        available_capacity: { ...ZERO_CAPACITY },
        assigned_instance_count: state.session_ids.length,
        updated_at: state.updated_at,
      }
    );
  }
}
