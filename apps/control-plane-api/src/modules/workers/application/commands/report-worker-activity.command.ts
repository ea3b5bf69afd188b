import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ReportWorkerActivityBody, type WorkerIdleStatus } from '@lcm/contracts';
import { type Clock, evaluateIdleness, recordActivity } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { SystemSettingsRepository } from '../../../settings';
import { workerEvent } from '../../infrastructure/cml-worker.views';
import { WorkerChanges } from '../worker-changes';

export class ReportWorkerActivityCommand extends Command<WorkerIdleStatus> {
  constructor(
    readonly workerId: string,
    readonly report: ReportWorkerActivityBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * CML telemetry since the last check (spec §7.2 idle detection): the counted activity is
 * recorded and the worker evaluated; an eligible worker is auto-paused (desired stopped, pause
 * reason idle_timeout) unless sessions are still assigned to it (FR-2.5.3a: no stop with active sessions).
 */
@CommandHandler(ReportWorkerActivityCommand)
export class ReportWorkerActivityHandler implements ICommandHandler<ReportWorkerActivityCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId, report, actor }: ReportWorkerActivityCommand): Promise<WorkerIdleStatus> {
    const idleSettings = (await this.settings.loadOrCreateDefault()).sections.idle_detection;
    const committed = await this.changes.update(workerId, actor, (worker) => {
      worker.observe({ activity: recordActivity(worker.toState().activity, report, idleSettings) });
      const evaluation = evaluateIdleness(worker.toState(), idleSettings, this.clock.now());
      if (!evaluation.eligible_for_pause || worker.sessionIds.length > 0) return;
      worker.stop({ requested_by: actor, pause_reason: 'idle_timeout' });
      return {
        reason: 'idle_timeout',
        notifications: (view) => [workerEvent('worker.paused', { worker: view }, view.updated_at)],
      };
    });
    return evaluateIdleness(committed.state, idleSettings, this.clock.now());
  }
}
