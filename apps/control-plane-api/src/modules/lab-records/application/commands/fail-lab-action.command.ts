import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type FailLabActionBody, type LabRecord } from '@lcm/contracts';
import { LabActionPendingError } from '@lcm/domain';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordCommits } from '../lab-record-commits';

/** Records the failure of the pending action named in the report; a report about another action is refused (409). */
export class FailLabActionCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly failure: FailLabActionBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(FailLabActionCommand)
export class FailLabActionHandler implements ICommandHandler<FailLabActionCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly commits: LabRecordCommits,
  ) {}

  async execute({ labRecordId, failure, actor }: FailLabActionCommand): Promise<LabRecord> {
    const lab = await this.labs.getById(labRecordId);
    if (lab.pendingAction !== null && lab.pendingAction !== failure.action) {
      throw new LabActionPendingError(lab.id, lab.pendingAction, `failure of ${failure.action}`);
    }
    lab.failAction(failure.error_message, { transition_to_error: failure.transition_to_error });
    return toLabRecordView((await this.commits.save(lab, actor)).state);
  }
}
