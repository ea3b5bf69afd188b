import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type LabTopology } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';

export class GetLabTopologyQuery extends Query<LabTopology> {
  constructor(readonly labRecordId: string) {
    super();
  }
}

@QueryHandler(GetLabTopologyQuery)
export class GetLabTopologyHandler implements IQueryHandler<GetLabTopologyQuery> {
  constructor(private readonly labs: LabRecordRepository) {}

  async execute({ labRecordId }: GetLabTopologyQuery): Promise<LabTopology> {
    const state = (await this.labs.getById(labRecordId)).toState();
    return { lab_record_id: state.id, revision: state.revision, topology_spec: state.topology_spec };
  }
}
