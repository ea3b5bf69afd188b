import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type LabletDefinition } from '@lcm/contracts';
import { notFound } from '../../../../platform/http/api-error';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { toDefinitionView } from '../../infrastructure/lablet-definition.views';

export class GetDefinitionVersionQuery extends Query<LabletDefinition> {
  constructor(
    readonly definitionId: string,
    readonly semver: string,
  ) {
    super();
  }
}

/** The version `semver` of the definition name the given id belongs to. */
@QueryHandler(GetDefinitionVersionQuery)
export class GetDefinitionVersionHandler implements IQueryHandler<GetDefinitionVersionQuery> {
  constructor(@Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository) {}

  async execute({ definitionId, semver }: GetDefinitionVersionQuery): Promise<LabletDefinition> {
    const anchor = await this.definitions.findStateById(definitionId);
    if (!anchor) throw notFound('lablet definition', definitionId);
    const state = await this.definitions.findStateByNameAndSemver(anchor.name, semver);
    if (!state) throw notFound('lablet definition version', `${anchor.name}@${semver}`);
    return toDefinitionView(state, this.definitions.sidecarOf(state));
  }
}
