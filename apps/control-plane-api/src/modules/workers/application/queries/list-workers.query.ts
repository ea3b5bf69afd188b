import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type CmlWorker, type ListWorkersQuery as ListQuery, type Page } from '@lcm/contracts';
import { mapPage } from '../../../../platform/mongo/state-page';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { toWorkerView } from '../../infrastructure/cml-worker.views';

export class ListWorkersQuery extends Query<Page<CmlWorker>> {
  constructor(readonly filter: ListQuery) {
    super();
  }
}

@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery> {
  constructor(@Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository) {}

  async execute({ filter }: ListWorkersQuery): Promise<Page<CmlWorker>> {
    return mapPage(await this.workers.findPage(filter), (state) =>
      toWorkerView(state, this.workers.sidecarOf(state)),
    );
  }
}
