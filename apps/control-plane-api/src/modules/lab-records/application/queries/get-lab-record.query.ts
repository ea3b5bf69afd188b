import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type LabRecord } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';

export class GetLabRecordQuery extends Query<LabRecord> {
  constructor(readonly labRecordId: string) {
    super();
  }
}

@QueryHandler(GetLabRecordQuery)
export class GetLabRecordHandler implements IQueryHandler<GetLabRecordQuery> {
  constructor(private readonly labs: LabRecordRepository) {}

  async execute({ labRecordId }: GetLabRecordQuery): Promise<LabRecord> {
    return toLabRecordView((await this.labs.getById(labRecordId)).toState());
  }
}
