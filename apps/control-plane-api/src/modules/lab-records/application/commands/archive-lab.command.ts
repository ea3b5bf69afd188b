import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';

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
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
  ) {}

  async execute({ labRecordId, actor }: ArchiveLabCommand): Promise<LabRecord> {
    const lab = await this.labs.getById(labRecordId);
    lab.archive(actor);
    return toLabRecordView((await this.commits.save(lab, actor)).state);
  }
}
