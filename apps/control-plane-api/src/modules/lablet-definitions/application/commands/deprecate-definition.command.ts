import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabletDefinition as LabletDefinitionView } from '@lcm/contracts';
import { LabletDefinitionChanges } from '../lablet-definition-changes';

export class DeprecateDefinitionCommand extends Command<LabletDefinitionView> {
  constructor(
    readonly definitionId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** No new sessions from this version; existing sessions keep their pinned version. */
@CommandHandler(DeprecateDefinitionCommand)
export class DeprecateDefinitionHandler implements ICommandHandler<DeprecateDefinitionCommand> {
  constructor(@Inject(LabletDefinitionChanges) private readonly changes: LabletDefinitionChanges) {}

  execute({ definitionId, actor }: DeprecateDefinitionCommand): Promise<LabletDefinitionView> {
    return this.changes.update(definitionId, actor, (definition) => definition.deprecate(actor));
  }
}
