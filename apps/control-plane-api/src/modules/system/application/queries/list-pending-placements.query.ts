import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Page, PendingPlacement, type PageQuery } from '@lcm/contracts';
import { ResourceSchedulerClient } from '../../infrastructure/resource-scheduler.client';

const PendingPlacementPage = Page(PendingPlacement);

export class ListPendingPlacementsQuery extends Query<Page<PendingPlacement>> {
  constructor(readonly page: PageQuery) {
    super();
  }
}

@QueryHandler(ListPendingPlacementsQuery)
export class ListPendingPlacementsHandler implements IQueryHandler<ListPendingPlacementsQuery> {
  constructor(private readonly scheduler: ResourceSchedulerClient) {}

  execute({ page }: ListPendingPlacementsQuery): Promise<Page<PendingPlacement>> {
    return this.scheduler.call('GET', '/api/admin/pending', PendingPlacementPage, {
      limit: page.limit,
      cursor: page.cursor,
    });
  }
}
