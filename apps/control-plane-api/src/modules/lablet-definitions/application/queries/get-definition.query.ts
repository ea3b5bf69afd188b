import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type LabletDefinition } from '@lcm/contracts';
import { notFound } from '../../../../platform/http/api-error';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { toDefinitionView } from '../../infrastructure/lablet-definition.views';

export class GetDefinitionQuery extends Query<LabletDefinition> {
  constructor(readonly definitionId: string) {
    super();
  }
}

@QueryHandler(GetDefinitionQuery)
export class GetDefinitionHandler implements IQueryHandler<GetDefinitionQuery> {
  constructor(@Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository) {}

  async execute({ definitionId }: GetDefinitionQuery): Promise<LabletDefinition> {
    const state = await this.definitions.findStateById(definitionId);
    if (!state) throw notFound('lablet definition', definitionId);
    return toDefinitionView(state, this.definitions.sidecarOf(state));
  }
}
