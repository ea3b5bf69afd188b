import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type CmlWorker } from '@lcm/contracts';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { WorkerViewFactory } from '../../infrastructure/worker-view-factory';
import { storedWorker } from '../stored-worker';

export class GetWorkerQuery extends Query<CmlWorker> {
  constructor(readonly workerId: string) {
    super();
  }
}

@QueryHandler(GetWorkerQuery)
export class GetWorkerHandler implements IQueryHandler<GetWorkerQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(WorkerViewFactory) private readonly views: WorkerViewFactory,
  ) {}

  async execute({ workerId }: GetWorkerQuery): Promise<CmlWorker> {
    const state = await storedWorker(this.workers, workerId);
    return this.views.of(state);
  }
}
