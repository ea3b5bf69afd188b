import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { canTransition, CML_WORKER_MACHINE } from '@lcm/domain';
import { WorkerChanges } from '../worker-changes';

export class TerminateWorkerCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * Desired status terminated. A RUNNING or STOPPED worker enters SHUTTING_DOWN at once (with the
 * operator as terminated_by); in other statuses the worker-controller finishes what it is doing
 * (a launch, a stop) and then terminates. Terminating a TERMINATED worker is a no-op.
 */
@CommandHandler(TerminateWorkerCommand)
export class TerminateWorkerHandler implements ICommandHandler<TerminateWorkerCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, actor }: TerminateWorkerCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      if (worker.status === 'TERMINATED') return;
      if (canTransition(CML_WORKER_MACHINE, worker.status, 'SHUTTING_DOWN')) worker.terminate(actor);
      else worker.requestDesiredStatus('terminated', actor);
      return { reason: 'terminate' };
    });
    return committed.view;
  }
}
