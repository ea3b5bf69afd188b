import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type RecordLabRunBody } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';

/** A run the lablet-controller recorded (e.g. a session's start → stop); same run id again replaces it. */
export class RecordLabRunCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly run: RecordLabRunBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(RecordLabRunCommand)
export class RecordLabRunHandler implements ICommandHandler<RecordLabRunCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
  ) {}

  async execute({ labRecordId, run, actor }: RecordLabRunCommand): Promise<LabRecord> {
    const lab = await this.labs.getById(labRecordId);
    lab.recordRun(run);
    return toLabRecordView((await this.commits.save(lab, actor)).state);
  }
}
