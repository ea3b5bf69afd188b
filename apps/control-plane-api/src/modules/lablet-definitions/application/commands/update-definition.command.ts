import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabletDefinition as LabletDefinitionView, type UpdateDefinitionBody } from '@lcm/contracts';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { definitionChanged, toDefinitionView } from '../../infrastructure/lablet-definition.views';

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
  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
  ) {}

  async execute({ definitionId, patch, actor }: UpdateDefinitionCommand): Promise<LabletDefinitionView> {
    const definition = await this.definitions.getById(definitionId);
    const { status, ...flags } = patch;
    definition.updateOperationalFlags(flags);
    if (status === 'active') definition.activate(actor);
    if (status === 'inactive') definition.deactivate(actor);
    const { state, events } = await this.definitions.save(definition);
    const view = toDefinitionView(state, this.definitions.sidecarOf(state));
    await this.commits.record({
      events,
      actor,
      notifications: events.length > 0 ? [definitionChanged('lablet_definition.updated', view)] : [],
    });
    return view;
  }
}
