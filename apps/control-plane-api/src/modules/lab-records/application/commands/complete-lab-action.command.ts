import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CompleteLabActionBody, type LabRecord } from '@lcm/contracts';
import { InvalidTransitionError } from '@lcm/domain';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

/**
 * Clears the pending action and applies its outcome (spec §4.2). A `resulting_status` other than
 * the action's usual target is applied when the table allows it; otherwise, as for the usual
 * target, the action is still cleared and the status stays, so the controller never retries forever.
 */
export class CompleteLabActionCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly completion: CompleteLabActionBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(CompleteLabActionCommand)
export class CompleteLabActionHandler implements ICommandHandler<CompleteLabActionCommand> {
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, completion, actor }: CompleteLabActionCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) => {
      lab.completeAction(completion.action);
      const reported = completion.resulting_status;
      if (reported && reported !== lab.status) {
        try {
          lab.observeStatus(reported, `action_${completion.action}`);
        } catch (error) {
          if (!(error instanceof InvalidTransitionError)) throw error;
        }
      }
    });
    return toLabRecordView(state);
  }
}
