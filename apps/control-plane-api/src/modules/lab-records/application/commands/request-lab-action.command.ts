import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabPendingAction, type LabRecord } from '@lcm/contracts';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

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
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, action, actor }: RequestLabActionCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) =>
      lab.requestAction(action, actor),
    );
    return toLabRecordView(state);
  }
}
