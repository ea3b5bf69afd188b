import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type CmlWorkerStatus } from '@lcm/contracts';
import { InvalidTransitionError } from '@lcm/domain';
import { WorkerChanges } from '../worker-changes';

export class StartWorkerCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** Statuses already on their way to RUNNING: only the desired status is (re)stated. */
const COMING_UP: CmlWorkerStatus[] = ['PENDING', 'PROVISIONING', 'STARTING', 'RUNNING'];

/**
 * Desired status running: a STOPPED worker enters STARTING (the worker-controller starts the EC2
 * instance), a FAILED one goes back to PENDING to be provisioned again. Any other status (draining,
 * stopping, shutting down, terminated, unknown) is a 409 naming the current status.
 */
@CommandHandler(StartWorkerCommand)
export class StartWorkerHandler implements ICommandHandler<StartWorkerCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, actor }: StartWorkerCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      if (worker.status === 'STOPPED') worker.markStarting(actor);
      else if (worker.status === 'FAILED') worker.retryProvisioning(actor);
      else if (!COMING_UP.includes(worker.status))
        throw new InvalidTransitionError('WORKER', worker.id, worker.status, 'STARTING');
      worker.requestDesiredStatus('running', actor);
      return { reason: 'start' };
    });
    return committed.view;
  }
}
