import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord } from '@lcm/contracts';
import { type Clock, LabRecord as LabRecordAggregate, LabRecordTerminalError, newId } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';
import { placeholderLabId } from '../imported-lab-id';

/** A new IMPORTING record with the source's topology on the same worker (cross-worker clone is deferred). */
export class CloneLabCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly title: string | undefined,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(CloneLabCommand)
export class CloneLabHandler implements ICommandHandler<CloneLabCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly changes: LabRecordChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ labRecordId, title, actor }: CloneLabCommand): Promise<LabRecord> {
    const source = await this.labs.getById(labRecordId);
    if (source.isTerminal) throw new LabRecordTerminalError(source.id, source.status);
    const original = source.toState();
    const id = newId();
    const clone = LabRecordAggregate.beginImport(
      {
        id,
        worker_id: source.workerId,
        lab_id: placeholderLabId(id),
        source: 'clone',
        metadata: {
          title: title ?? `Clone of ${original.title}`,
          description: original.description,
          notes: original.notes,
        },
        based_on_definition_id: original.based_on_definition_id,
        topology_spec: original.topology_spec,
      },
      this.clock,
    );
    return toLabRecordView((await this.changes.save(clone, actor)).state);
  }
}
