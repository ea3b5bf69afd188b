import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord } from '@lcm/contracts';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

/** Retires the record without touching CML. */
export class ArchiveLabCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(ArchiveLabCommand)
export class ArchiveLabHandler implements ICommandHandler<ArchiveLabCommand> {
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, actor }: ArchiveLabCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) => lab.archive(actor));
    return toLabRecordView(state);
  }
}
