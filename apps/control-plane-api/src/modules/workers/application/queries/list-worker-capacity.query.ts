import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Page, type PageQuery, type WorkerCapacitySnapshot } from '@lcm/contracts';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { toCapacitySnapshot } from '../../infrastructure/cml-worker.views';

export class ListWorkerCapacityQuery extends Query<Page<WorkerCapacitySnapshot>> {
  constructor(readonly page: PageQuery) {
    super();
  }
}

/** The scheduler's fallback when etcd is unavailable: the capacity key of every worker that has one. */
@QueryHandler(ListWorkerCapacityQuery)
export class ListWorkerCapacityHandler implements IQueryHandler<ListWorkerCapacityQuery> {
  constructor(@Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository) {}

  async execute({ page }: ListWorkerCapacityQuery): Promise<Page<WorkerCapacitySnapshot>> {
    const states = await this.workers.findCapacityPage(page);
    return {
      items: states.items.flatMap((state) => toCapacitySnapshot(state) ?? []),
      next_cursor: states.next_cursor,
    };
  }
}
