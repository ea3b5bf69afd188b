import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { apiContract, type LabletDefinition, type Page } from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { CreateDefinitionCommand } from '../application/commands/create-definition.command';
import { DeprecateDefinitionCommand } from '../application/commands/deprecate-definition.command';
import { UpdateDefinitionCommand } from '../application/commands/update-definition.command';
import { GetDefinitionVersionQuery } from '../application/queries/get-definition-version.query';
import { GetDefinitionQuery } from '../application/queries/get-definition.query';
import { ListDefinitionVersionsQuery } from '../application/queries/list-definition-versions.query';
import { ListDefinitionsQuery } from '../application/queries/list-definitions.query';

const routes = apiContract.public.labletDefinitions;

@Controller()
export class LabletDefinitionsPublicController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.listDefinitions)
  list(@Input() input: ContractInput<typeof routes.listDefinitions>): Promise<Page<LabletDefinition>> {
    return this.queries.execute(new ListDefinitionsQuery(input.query));
  }

  @ContractRoute(routes.createDefinition)
  create(
    @Input() input: ContractInput<typeof routes.createDefinition>,
    @Actor() actor: string,
  ): Promise<LabletDefinition> {
    return this.commands.execute(new CreateDefinitionCommand(input.body, actor));
  }

  @ContractRoute(routes.getDefinition)
  get(@Input() input: ContractInput<typeof routes.getDefinition>): Promise<LabletDefinition> {
    return this.queries.execute(new GetDefinitionQuery(input.params.lablet_definition_id));
  }

  @ContractRoute(routes.updateDefinition)
  update(
    @Input() input: ContractInput<typeof routes.updateDefinition>,
    @Actor() actor: string,
  ): Promise<LabletDefinition> {
    return this.commands.execute(
      new UpdateDefinitionCommand(input.params.lablet_definition_id, input.body, actor),
    );
  }

  @ContractRoute(routes.deprecateDefinition)
  deprecate(
    @Input() input: ContractInput<typeof routes.deprecateDefinition>,
    @Actor() actor: string,
  ): Promise<LabletDefinition> {
    return this.commands.execute(new DeprecateDefinitionCommand(input.params.lablet_definition_id, actor));
  }

  @ContractRoute(routes.listDefinitionVersions)
  versions(
    @Input() input: ContractInput<typeof routes.listDefinitionVersions>,
  ): Promise<Page<LabletDefinition>> {
    return this.queries.execute(
      new ListDefinitionVersionsQuery(input.params.lablet_definition_id, input.query),
    );
  }

  @ContractRoute(routes.getDefinitionVersion)
  version(@Input() input: ContractInput<typeof routes.getDefinitionVersion>): Promise<LabletDefinition> {
    return this.queries.execute(
      new GetDefinitionVersionQuery(input.params.lablet_definition_id, input.params.definition_version),
    );
  }
}
