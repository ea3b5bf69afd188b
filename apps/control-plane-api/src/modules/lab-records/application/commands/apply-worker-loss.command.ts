import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord } from '@lcm/contracts';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

/** What happened to the worker a lab runs on (spec §4.3 cascades). */
export type WorkerLoss = 'worker_stopped' | 'worker_terminated';

/**
 * A lab whose worker stopped is stopped with it; one whose worker is gone is orphaned. These are
 * facts CPA decides from the worker, not observations, so no freshness guard applies; the
 * transition table still does (an edge it refuses is a 409 the cascade logs).
 */
export class ApplyWorkerLossCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly loss: WorkerLoss,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(ApplyWorkerLossCommand)
export class ApplyWorkerLossHandler implements ICommandHandler<ApplyWorkerLossCommand> {
  constructor(private readonly changes: LabRecordChanges) {}

  async execute({ labRecordId, loss, actor }: ApplyWorkerLossCommand): Promise<LabRecord> {
    const { state } = await this.changes.update(labRecordId, actor, (lab) => {
      if (loss === 'worker_terminated') lab.markOrphaned(loss);
      else lab.observeStatus('STOPPED', loss);
    });
    return toLabRecordView(state);
  }
}
