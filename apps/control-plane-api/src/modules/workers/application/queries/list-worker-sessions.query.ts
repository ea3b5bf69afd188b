import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type LabletSession, type Page, type PageQuery } from '@lcm/contracts';
import { SessionQueries } from '../../../sessions/application/session-queries.service';
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
    @Inject(SessionQueries) private readonly sessions: SessionQueries,
  ) {}

  async execute({ workerId, page, audience }: ListWorkerSessionsQuery): Promise<Page<LabletSession>> {
    await storedWorker(this.workers, workerId);
    return this.sessions.list({ ...page, worker_id: workerId }, audience);
  }
}
