import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type ReportWorkerMetricsBody } from '@lcm/contracts';
import { type WorkerObservation } from '@lcm/domain';
import { SystemSettingsRepository } from '../../../settings';
import { WorkerChanges } from '../worker-changes';

export class ReportWorkerMetricsCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly report: ReportWorkerMetricsBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * One poll of EC2 checks, CloudWatch values, CML metrics and licence (spec §7.2 RUNNING row).
 * The next poll becomes due one poll interval (settings.monitoring) after this one.
 */
@CommandHandler(ReportWorkerMetricsCommand)
export class ReportWorkerMetricsHandler implements ICommandHandler<ReportWorkerMetricsCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
  ) {}

  async execute({ workerId, report, actor }: ReportWorkerMetricsCommand): Promise<CmlWorkerView> {
    const interval = (await this.settings.loadOrCreateDefault()).sections.monitoring
      .worker_metrics_poll_interval_seconds;
    const collectedAt = new Date(report.collected_at).toISOString();
    const committed = await this.changes.update(workerId, actor, (worker) => {
      const state = worker.toState();
      const observation: WorkerObservation = {
        cloudwatch: {
          ...state.cloudwatch,
          ...(report.cloudwatch ? { ...report.cloudwatch, last_collected_at: collectedAt } : {}),
          poll_interval_seconds: interval,
          next_refresh_at: new Date(Date.parse(collectedAt) + interval * 1000).toISOString(),
        },
      };
      if (report.ec2) Object.assign(observation, report.ec2, { ec2_last_checked_at: collectedAt });
      if (report.metrics) observation.metrics = report.metrics;
      if (report.license) observation.license = { ...state.license, ...report.license };
      worker.observe(observation);
    });
    return committed.view;
  }
}
