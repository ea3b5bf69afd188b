import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import {
  type LabletSession,
  type ListWorkerSessionsQuery as WorkerSessionsFilter,
  type Page,
} from '@lcm/contracts';
import { ListSessionsQuery } from '../../../sessions';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { storedWorker } from '../stored-worker';

export class ListWorkerSessionsQuery extends Query<Page<LabletSession>> {
  constructor(
    readonly workerId: string,
    readonly filter: WorkerSessionsFilter,
    readonly audience: 'public' | 'internal',
  ) {
    super();
  }
}

/**
 * The sessions that hold the worker now are the ones its allocation names (decision 3: STOPPED
 * and later ones released it); `include_history` lists every session ever placed on it.
 */
@QueryHandler(ListWorkerSessionsQuery)
export class ListWorkerSessionsHandler implements IQueryHandler<ListWorkerSessionsQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  async execute({ workerId, filter, audience }: ListWorkerSessionsQuery): Promise<Page<LabletSession>> {
    const worker = await storedWorker(this.workers, workerId);
    const { include_history: includeHistory, ...page } = filter;
    return this.queries.execute(
      new ListSessionsQuery(
        { ...page, worker_id: workerId },
        audience,
        includeHistory ? undefined : worker.session_ids,
      ),
    );
  }
}
