import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type CmlWorker } from '@lcm/contracts';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { toWorkerView } from '../../infrastructure/cml-worker.views';
import { storedWorker } from '../stored-worker';

export class GetWorkerQuery extends Query<CmlWorker> {
  constructor(readonly workerId: string) {
    super();
  }
}

@QueryHandler(GetWorkerQuery)
export class GetWorkerHandler implements IQueryHandler<GetWorkerQuery> {
  constructor(@Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository) {}

  async execute({ workerId }: GetWorkerQuery): Promise<CmlWorker> {
    const state = await storedWorker(this.workers, workerId);
    return toWorkerView(state, this.workers.sidecarOf(state));
  }
}
