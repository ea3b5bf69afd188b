import { Controller, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { apiContract, type LabletDefinition, type Page } from '@lcm/contracts';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { GetDefinitionQuery } from '../application/queries/get-definition.query';
import { ListDefinitionsQuery } from '../application/queries/list-definitions.query';

const routes = apiContract.internal.labletDefinitions;

@Controller()
export class LabletDefinitionsInternalController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @ContractRoute(routes.listDefinitions)
  list(@Input() input: ContractInput<typeof routes.listDefinitions>): Promise<Page<LabletDefinition>> {
    return this.queries.execute(new ListDefinitionsQuery(input.query));
  }

  @ContractRoute(routes.getDefinition)
  get(@Input() input: ContractInput<typeof routes.getDefinition>): Promise<LabletDefinition> {
    return this.queries.execute(new GetDefinitionQuery(input.params.lablet_definition_id));
  }
}
