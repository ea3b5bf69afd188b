import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateDefinitionBody, type LabletDefinition as LabletDefinitionView } from '@lcm/contracts';
import { type Clock, LabletDefinition, newId } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabletDefinitionRepository } from '../../infrastructure/lablet-definition.repository';
import { definitionChanged, toDefinitionView } from '../../infrastructure/lablet-definition.views';
import { countTopologyNodes, topologyHash } from '../../infrastructure/topology-yaml';

export class CreateDefinitionCommand extends Command<LabletDefinitionView> {
  constructor(
    readonly body: CreateDefinitionBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * Creates one immutable version; an existing name with a new semver is the next version of that
 * definition, the same name and semver again is refused by the unique index (409).
 * multi_lab_enabled=true is refused by the domain (422, decision 5).
 */
@CommandHandler(CreateDefinitionCommand)
export class CreateDefinitionHandler implements ICommandHandler<CreateDefinitionCommand> {
  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: CreateDefinitionCommand): Promise<LabletDefinitionView> {
    const { version, grading_collector, node_count, ...content } = body;
    const definition = LabletDefinition.create(
      {
        id: newId(),
        props: {
          ...content,
          semver: version,
          node_count: node_count ?? countTopologyNodes(body.topology_yaml),
          lab_yaml_hash: topologyHash(body.topology_yaml),
          created_by: actor,
        },
      },
      this.clock,
    );
    const extras = { grading_collector };
    const { state, events } = await this.definitions.saveWithSidecar(definition, extras);
    const view = toDefinitionView(state, extras);
    await this.commits.record({
      events,
      actor,
      notifications: [definitionChanged('lablet_definition.created', view)],
    });
    return view;
  }
}
