import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabletDefinition as LabletDefinitionView, type UpdateDefinitionBody } from '@lcm/contracts';
import { type Clock, LabletDefinition, MultiLabNotSupportedError } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { recordedAction } from '../../../../platform/commit/recorded-action';
import { CLOCK } from '../../../../platform/platform.tokens';
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

/**
 * Operational flags of a version and activation; the content of a version stays immutable.
 * The domain model has no method for the flags, so they are applied to its state and the
 * aggregate is rebuilt from it (validated by its schema), keeping the loaded version for the
 * version-checked save.
 */
@CommandHandler(UpdateDefinitionCommand)
export class UpdateDefinitionHandler implements ICommandHandler<UpdateDefinitionCommand> {
  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ definitionId, patch, actor }: UpdateDefinitionCommand): Promise<LabletDefinitionView> {
    const loaded = await this.definitions.getById(definitionId);
    const { status, ...flags } = patch;
    if (flags.multi_lab_enabled) throw new MultiLabNotSupportedError(loaded.name);
    const before = loaded.toState();
    const changedFlags = (Object.keys(flags) as Array<keyof typeof flags>).filter(
      (flag) => JSON.stringify(flags[flag]) !== JSON.stringify(before[flag]),
    );
    const definition =
      changedFlags.length > 0
        ? LabletDefinition.fromState(
            { ...before, ...flags, updated_at: this.clock.now().toISOString() },
            this.clock,
          )
        : loaded;
    if (status === 'active') definition.activate(actor);
    if (status === 'inactive') definition.deactivate(actor);
    const { state, events } = await this.definitions.save(definition);
    const flagEvents =
      changedFlags.length > 0
        ? [
            recordedAction(
              { aggregate_type: 'lablet_definition', aggregate_id: definitionId },
              'lablet_definition.flags_updated',
              { changed_fields: changedFlags },
              this.clock,
            ),
          ]
        : [];
    const view = toDefinitionView(state, this.definitions.sidecarOf(state));
    const changed = flagEvents.length + events.length > 0;
    await this.commits.record({
      events: [...flagEvents, ...events],
      actor,
      notifications: changed ? [definitionChanged('lablet_definition.updated', view)] : [],
    });
    return view;
  }
}
