import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type WorkerActivity } from '@lcm/contracts';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { toActivityFields } from '../../infrastructure/cml-worker.views';
import { storedWorker } from '../stored-worker';

export class GetWorkerActivityQuery extends Query<WorkerActivity> {
  constructor(readonly workerId: string) {
    super();
  }
}

@QueryHandler(GetWorkerActivityQuery)
export class GetWorkerActivityHandler implements IQueryHandler<GetWorkerActivityQuery> {
  constructor(@Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository) {}

  async execute({ workerId }: GetWorkerActivityQuery): Promise<WorkerActivity> {
    const state = await storedWorker(this.workers, workerId);
    return { worker_id: state.id, ...toActivityFields(state) };
  }
}
