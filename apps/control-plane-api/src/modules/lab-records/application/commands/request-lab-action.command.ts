import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabPendingAction, type LabRecord } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';

/** Start/stop/wipe/delete: only recorded as pending action for the lablet-controller (spec §4.2). */
export class RequestLabActionCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly action: LabPendingAction,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(RequestLabActionCommand)
export class RequestLabActionHandler implements ICommandHandler<RequestLabActionCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
  ) {}

  async execute({ labRecordId, action, actor }: RequestLabActionCommand): Promise<LabRecord> {
    const lab = await this.labs.getById(labRecordId);
    lab.requestAction(action, actor);
    return toLabRecordView((await this.commits.save(lab, actor)).state);
  }
}
