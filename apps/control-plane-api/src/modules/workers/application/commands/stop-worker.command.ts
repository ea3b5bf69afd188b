import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type PauseReason } from '@lcm/contracts';
import { canTransition, CML_WORKER_MACHINE, InvalidTransitionError } from '@lcm/domain';
import { WorkerChanges } from '../worker-changes';

export class StopWorkerCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
    readonly reason: string | null,
    /** Set when an operator pauses the worker (counted as a manual pause); a controller's stop is not a pause. */
    readonly pauseReason?: PauseReason,
  ) {
    super();
  }
}

/**
 * Desired status stopped: the worker enters STOPPING where the table allows it (the
 * worker-controller then stops EC2 and reports STOPPED, which cascades to sessions and labs).
 * Stopping a STOPPING or STOPPED worker is a no-op; other statuses are a 409.
 */
@CommandHandler(StopWorkerCommand)
export class StopWorkerHandler implements ICommandHandler<StopWorkerCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, actor, reason, pauseReason }: StopWorkerCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      if (worker.status === 'STOPPING' || worker.status === 'STOPPED') return;
      if (!canTransition(CML_WORKER_MACHINE, worker.status, 'STOPPING'))
        throw new InvalidTransitionError('WORKER', worker.id, worker.status, 'STOPPING');
      worker.stop({ requested_by: actor, ...(pauseReason ? { pause_reason: pauseReason } : {}) });
      return { reason: reason ?? 'stop' };
    });
    return committed.view;
  }
}
