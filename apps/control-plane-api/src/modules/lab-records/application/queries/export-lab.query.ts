import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type LabExport } from '@lcm/contracts';
import { ApiError } from '../../../../platform/http/api-error';
import { renderCmlLabYaml } from '../../infrastructure/cml-topology-yaml';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';

/** YAML built from the stored topology; CPA never asks CML (decision 7). */
export class ExportLabQuery extends Query<LabExport> {
  constructor(readonly labRecordId: string) {
    super();
  }
}

const fileNameFor = (title: string, id: string): string =>
  `${title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || id}.yaml`;

@QueryHandler(ExportLabQuery)
export class ExportLabHandler implements IQueryHandler<ExportLabQuery> {
  constructor(private readonly labs: LabRecordRepository) {}

  async execute({ labRecordId }: ExportLabQuery): Promise<LabExport> {
    const state = (await this.labs.getById(labRecordId)).toState();
    if (!state.topology_spec)
      throw new ApiError('CONFLICT', `lab record ${labRecordId} has no stored topology to export yet`);
    return {
      file_name: fileNameFor(state.title, state.id),
      topology_yaml: renderCmlLabYaml(state.topology_spec, state),
    };
  }
}
