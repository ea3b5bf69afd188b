import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabletDefinition as LabletDefinitionView } from '@lcm/contracts';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { definitionChanged, toDefinitionView } from '../../infrastructure/lablet-definition.views';

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
  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
  ) {}

  async execute({ definitionId, actor }: DeprecateDefinitionCommand): Promise<LabletDefinitionView> {
    const definition = await this.definitions.getById(definitionId);
    definition.deprecate(actor);
    const { state, events } = await this.definitions.save(definition);
    const view = toDefinitionView(state, this.definitions.sidecarOf(state));
    await this.commits.record({
      events,
      actor,
      notifications: events.length > 0 ? [definitionChanged('lablet_definition.deprecated', view)] : [],
    });
    return view;
  }
}
