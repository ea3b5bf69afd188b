import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { WorkerChanges } from '../worker-changes';

export class CancelDrainCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** DRAINING → RUNNING with desired running again; a RUNNING worker is a no-op, anything else a 409. */
@CommandHandler(CancelDrainCommand)
export class CancelDrainHandler implements ICommandHandler<CancelDrainCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, actor }: CancelDrainCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      worker.cancelDrain(actor);
      return { reason: 'drain_cancelled' };
    });
    return committed.view;
  }
}
