import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { workerEvent } from '../../infrastructure/cml-worker.views';
import { WorkerChanges } from '../worker-changes';

export class SetIdleDetectionCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly enabled: boolean,
    readonly actor: string,
  ) {
    super();
  }
}

/** Turns auto-pause by idle detection on or off for one worker (the global switch is in the settings). */
@CommandHandler(SetIdleDetectionCommand)
export class SetIdleDetectionHandler implements ICommandHandler<SetIdleDetectionCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, enabled, actor }: SetIdleDetectionCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      const activity = worker.toState().activity;
      if (activity.is_idle_detection_enabled === enabled) return;
      worker.observe({ activity: { ...activity, is_idle_detection_enabled: enabled } });
      return {
        notifications: (view) => [
          workerEvent('worker.idle_detection.toggled', { worker: view }, view.updated_at),
        ],
      };
    });
    return committed.view;
  }
}
