import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { SchedulerStatus } from '@lcm/contracts';
import { ResourceSchedulerClient } from '../../infrastructure/resource-scheduler.client';

export class GetSchedulerStatusQuery extends Query<SchedulerStatus> {}

@QueryHandler(GetSchedulerStatusQuery)
export class GetSchedulerStatusHandler implements IQueryHandler<GetSchedulerStatusQuery> {
  constructor(private readonly scheduler: ResourceSchedulerClient) {}

  execute(): Promise<SchedulerStatus> {
    return this.scheduler.call('GET', '/api/admin/stats', SchedulerStatus);
  }
}
