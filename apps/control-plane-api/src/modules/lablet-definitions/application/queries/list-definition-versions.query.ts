import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type LabletDefinition, type Page, type PageQuery } from '@lcm/contracts';
import { notFound } from '../../../../platform/http/api-error';
import { mapPage } from '../../../../platform/mongo/state-page';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { toDefinitionView } from '../../infrastructure/lablet-definition.views';

export class ListDefinitionVersionsQuery extends Query<Page<LabletDefinition>> {
  constructor(
    readonly definitionId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

/** Every version sharing the name of the given one, oldest first. */
@QueryHandler(ListDefinitionVersionsQuery)
export class ListDefinitionVersionsHandler implements IQueryHandler<ListDefinitionVersionsQuery> {
  constructor(@Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository) {}

  async execute({ definitionId, page }: ListDefinitionVersionsQuery): Promise<Page<LabletDefinition>> {
    const anchor = await this.definitions.findStateById(definitionId);
    if (!anchor) throw notFound('lablet definition', definitionId);
    return mapPage(await this.definitions.findVersionPage(anchor.name, page), (state) =>
      toDefinitionView(state, this.definitions.sidecarOf(state)),
    );
  }
}
