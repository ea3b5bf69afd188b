import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type WorkerPorts } from '@lcm/contracts';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { toPortsView } from '../../infrastructure/cml-worker.views';
import { storedWorker } from '../stored-worker';

export class GetWorkerPortsQuery extends Query<WorkerPorts> {
  constructor(readonly workerId: string) {
    super();
  }
}

@QueryHandler(GetWorkerPortsQuery)
export class GetWorkerPortsHandler implements IQueryHandler<GetWorkerPortsQuery> {
  constructor(@Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository) {}

  async execute({ workerId }: GetWorkerPortsQuery): Promise<WorkerPorts> {
    return toPortsView(await storedWorker(this.workers, workerId));
  }
}
