import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type LabletDefinition, type ListDefinitionsQuery as ListQuery, type Page } from '@lcm/contracts';
import { mapPage } from '../../../../platform/mongo/state-page';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { toDefinitionView } from '../../infrastructure/lablet-definition.views';

export class ListDefinitionsQuery extends Query<Page<LabletDefinition>> {
  constructor(readonly filter: ListQuery) {
    super();
  }
}

@QueryHandler(ListDefinitionsQuery)
export class ListDefinitionsHandler implements IQueryHandler<ListDefinitionsQuery> {
  constructor(@Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository) {}

  async execute({ filter }: ListDefinitionsQuery): Promise<Page<LabletDefinition>> {
    return mapPage(await this.definitions.findPage(filter), (state) =>
      toDefinitionView(state, this.definitions.sidecarOf(state)),
    );
  }
}
