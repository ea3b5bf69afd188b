import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type LabRecordState } from '@lcm/domain';
import { type ListLabRecordsQuery as ListLabRecordsParams, type Page } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';

/** One page of lab records as stored; the caller picks the read model (summary for the BFF, full for LC). */
export class ListLabRecordsQuery extends Query<Page<LabRecordState>> {
  constructor(readonly params: ListLabRecordsParams) {
    super();
  }
}

@QueryHandler(ListLabRecordsQuery)
export class ListLabRecordsHandler implements IQueryHandler<ListLabRecordsQuery> {
  constructor(private readonly labs: LabRecordRepository) {}

  execute({ params }: ListLabRecordsQuery): Promise<Page<LabRecordState>> {
    const { limit, cursor, ...filter } = params;
    return this.labs.listPage(filter, limit, cursor);
  }
}
