import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type FailLabActionBody, type LabRecord } from '@lcm/contracts';
import { LabActionPendingError } from '@lcm/domain';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

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
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, failure, actor }: FailLabActionCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) => {
      if (lab.pendingAction !== null && lab.pendingAction !== failure.action) {
        throw new LabActionPendingError(lab.id, lab.pendingAction, `failure of ${failure.action}`);
      }
      lab.failAction(failure.error_message, { transition_to_error: failure.transition_to_error });
    });
    return toLabRecordView(state);
  }
}
