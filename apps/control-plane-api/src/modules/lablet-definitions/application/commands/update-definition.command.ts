import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabletDefinition as LabletDefinitionView, type UpdateDefinitionBody } from '@lcm/contracts';
import { LabletDefinitionChanges } from '../lablet-definition-changes';

export class UpdateDefinitionCommand extends Command<LabletDefinitionView> {
  constructor(
    readonly definitionId: string,
    readonly patch: UpdateDefinitionBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** Operational flags of a version and activation; the content of a version stays immutable. */
@CommandHandler(UpdateDefinitionCommand)
export class UpdateDefinitionHandler implements ICommandHandler<UpdateDefinitionCommand> {
  constructor(@Inject(LabletDefinitionChanges) private readonly changes: LabletDefinitionChanges) {}

  execute({ definitionId, patch, actor }: UpdateDefinitionCommand): Promise<LabletDefinitionView> {
    const { status, ...flags } = patch;
    return this.changes.update(definitionId, actor, (definition) => {
      definition.updateOperationalFlags(flags);
      if (status === 'active') definition.activate(actor);
      if (status === 'inactive') definition.deactivate(actor);
    });
  }
}
