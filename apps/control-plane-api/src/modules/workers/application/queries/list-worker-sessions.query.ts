import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { type LabletSession, type Page, type PageQuery } from '@lcm/contracts';
import { ListSessionsQuery } from '../../../sessions/application/queries/list-sessions.query';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { storedWorker } from '../stored-worker';

export class ListWorkerSessionsQuery extends Query<Page<LabletSession>> {
  constructor(
    readonly workerId: string,
    readonly page: PageQuery,
    readonly audience: 'public' | 'internal',
  ) {
    super();
  }
}

/** Every session ever placed on the worker, through the sessions context's own list. */
@QueryHandler(ListWorkerSessionsQuery)
export class ListWorkerSessionsHandler implements IQueryHandler<ListWorkerSessionsQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  async execute({ workerId, page, audience }: ListWorkerSessionsQuery): Promise<Page<LabletSession>> {
    await storedWorker(this.workers, workerId);
    return this.queries.execute(new ListSessionsQuery({ ...page, worker_id: workerId }, audience));
  }
}
