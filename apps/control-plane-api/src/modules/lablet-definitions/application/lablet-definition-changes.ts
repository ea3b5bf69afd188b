import { Inject, Injectable } from '@nestjs/common';
import { type LabletDefinition as LabletDefinitionView } from '@lcm/contracts';
import { type Clock, type DomainEvent, LabletDefinition, type LabletDefinitionState } from '@lcm/domain';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import { AggregateChanges, fingerprint } from '../../../platform/mongo/unit-of-work';
import { CLOCK } from '../../../platform/platform.tokens';
import { LabletDefinitionRepository } from '../infrastructure/lablet-definition.repository';
import {
  type DefinitionChangeType,
  definitionChanged,
  toDefinitionView,
} from '../infrastructure/lablet-definition.views';

/**
 * A definition version as loaded, with the stored state it came from: that state carries the
 * version's content extras (which the aggregate does not model), so a command that changes
 * nothing still answers the complete view.
 */
interface LoadedDefinition {
  definition: LabletDefinition;
  stored: LabletDefinitionState;
}

/** The SSE event of a commit: a deprecation is announced as such, any other change as an update. */
const changeTypeOf = (events: readonly DomainEvent[]): DefinitionChangeType =>
  events.some(
    (event) =>
      event.type === 'lablet_definition.status_changed' &&
      (event.payload as { to?: string }).to === 'deprecated',
  )
    ? 'lablet_definition.deprecated'
    : 'lablet_definition.updated';

/**
 * The one way commands change a stored definition version: AggregateChanges over it (a lost race
 * is applied again to the fresh version, nothing is written when nothing changed), recorded as
 * audit entries and one SSE event when it raised any. A new version is created by
 * CreateDefinitionHandler, which writes its content extras once with it.
 */
@Injectable()
export class LabletDefinitionChanges {
  private readonly changes: AggregateChanges<LoadedDefinition, LabletDefinitionState>;

  constructor(
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(CommitRecorder) commits: CommitRecorder,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.changes = new AggregateChanges<LoadedDefinition, LabletDefinitionState>(
      {
        entity: definitions.entity,
        load: async (id) => {
          const stored = await definitions.findStateById(id);
          return stored && { definition: LabletDefinition.fromState(stored, clock), stored };
        },
        snapshot: ({ definition }) => fingerprint(definition),
        save: ({ definition }) => definitions.save(definition),
        unchanged: ({ definition, stored }) => ({ state: stored, events: definition.pullEvents() }),
      },
      {
        recordCommit: ({ state, events }, actor) =>
          commits.record({
            events,
            actor,
            notifications:
              events.length > 0 ? [definitionChanged(changeTypeOf(events), this.viewOf(state))] : [],
          }),
      },
    );
  }

  /** Applies `apply` to the stored version `id` and answers its view as committed. */
  async update(
    id: string,
    actor: string,
    apply: (definition: LabletDefinition) => void,
  ): Promise<LabletDefinitionView> {
    const { state } = await this.changes.update(id, actor, ({ definition }) => apply(definition));
    return this.viewOf(state);
  }

  private viewOf(state: LabletDefinitionState): LabletDefinitionView {
    return toDefinitionView(state, this.definitions.sidecarOf(state));
  }
}
