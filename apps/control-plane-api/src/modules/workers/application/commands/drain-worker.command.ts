import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { WorkerChanges } from '../worker-changes';

export class DrainWorkerCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly reason: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** RUNNING → DRAINING: keeps its sessions, takes no new ones, then stops (409 from other statuses). */
@CommandHandler(DrainWorkerCommand)
export class DrainWorkerHandler implements ICommandHandler<DrainWorkerCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, reason, actor }: DrainWorkerCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      worker.drain({ reason, requested_by: actor });
      return { reason };
    });
    return committed.view;
  }
}
