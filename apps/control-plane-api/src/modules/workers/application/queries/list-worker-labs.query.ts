import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { type LabRecordSummary, type Page, type PageQuery } from '@lcm/contracts';
import { mapPage } from '../../../../platform/mongo/state-page';
import { ListLabRecordsQuery, toLabRecordSummary } from '../../../lab-records';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { storedWorker } from '../stored-worker';

export class ListWorkerLabsQuery extends Query<Page<LabRecordSummary>> {
  constructor(
    readonly workerId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

/** The lab records on the worker, through the lab-records context's own list. */
@QueryHandler(ListWorkerLabsQuery)
export class ListWorkerLabsHandler implements IQueryHandler<ListWorkerLabsQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  async execute({ workerId, page }: ListWorkerLabsQuery): Promise<Page<LabRecordSummary>> {
    await storedWorker(this.workers, workerId);
    return mapPage(
      await this.queries.execute(new ListLabRecordsQuery({ ...page, worker_id: workerId })),
      toLabRecordSummary,
    );
  }
}
