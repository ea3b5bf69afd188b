import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { assertNotTerminated } from '../worker-guards';
import { WorkerChanges } from '../worker-changes';

export class SetDetailedMonitoringCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly enabled: boolean,
    readonly actor: string,
  ) {
    super();
  }
}

/** CloudWatch detailed monitoring as it should be; the worker-controller switches it on the instance. */
@CommandHandler(SetDetailedMonitoringCommand)
export class SetDetailedMonitoringHandler implements ICommandHandler<SetDetailedMonitoringCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, enabled, actor }: SetDetailedMonitoringCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      assertNotTerminated(worker, 'change its monitoring');
      const cloudwatch = worker.toState().cloudwatch;
      if (cloudwatch.detailed_monitoring_enabled !== enabled)
        worker.observe({ cloudwatch: { ...cloudwatch, detailed_monitoring_enabled: enabled } });
    });
    return committed.view;
  }
}
