import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type CmlWorker, type ListWorkersQuery as ListQuery, type Page } from '@lcm/contracts';
import { mapPage } from '../../../../platform/mongo/state-page';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { WorkerViewFactory } from '../../infrastructure/worker-view-factory';

export class ListWorkersQuery extends Query<Page<CmlWorker>> {
  constructor(readonly filter: ListQuery) {
    super();
  }
}

@QueryHandler(ListWorkersQuery)
export class ListWorkersHandler implements IQueryHandler<ListWorkersQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(WorkerViewFactory) private readonly views: WorkerViewFactory,
  ) {}

  async execute({ filter }: ListWorkersQuery): Promise<Page<CmlWorker>> {
    return mapPage(await this.workers.findPage(filter), (state) => this.views.of(state));
  }
}
