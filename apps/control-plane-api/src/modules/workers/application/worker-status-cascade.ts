import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type LabRecordStatus, type LabletSessionStatus } from '@lcm/contracts';
import { type DomainEvent, type LabletSessionState } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { LOGGER } from '../../../platform/platform.tokens';
import { ApplyWorkerLossCommand, type WorkerLoss, LabRecordRepository } from '../../lab-records';
import { TransitionSessionCommand, LabletSessionRepository } from '../../sessions';

/** Sessions a stopped or terminated worker can no longer carry; STOPPED and ARCHIVED ones are already done with it. */
export const SESSION_STATUSES_SPARED: LabletSessionStatus[] = ['STOPPED', 'ARCHIVED', 'TERMINATED'];
/** Labs that were running on a worker that stopped (spec §4.3 cascades). */
const LAB_STATUSES_FORCE_STOPPED: LabRecordStatus[] = ['BOOTED', 'STARTING', 'QUEUED', 'PAUSED', 'STOPPING'];
/** Labs a terminated worker leaves behind without orphaning again. */
const LAB_STATUSES_SPARED: LabRecordStatus[] = ['DELETED', 'ARCHIVED', 'ORPHANED'];
/** A worker carries at most its max_nodes sessions and labs; the bound keeps a query from ever being unbounded. */
const CASCADE_BATCH = 1000;

interface Cascade {
  sessionReason: (session: LabletSessionState) => string;
  labStatusFilter: object;
  loss: WorkerLoss;
}

/** The reason says whether the candidate had started, so a booking system knows whether to rebook. */
const lossReason =
  (loss: WorkerLoss) =>
  (session: LabletSessionState): string =>
    session.started_at === null ? `${loss}_before_session_start` : `${loss}_during_active_session`;

const ON_STOPPED: Cascade = {
  sessionReason: lossReason('worker_stopped'),
  labStatusFilter: { $in: LAB_STATUSES_FORCE_STOPPED },
  loss: 'worker_stopped',
};

const ON_TERMINATED: Cascade = {
  sessionReason: lossReason('worker_terminated'),
  labStatusFilter: { $nin: LAB_STATUSES_SPARED },
  loss: 'worker_terminated',
};

/**
 * What a worker entering STOPPED or TERMINATED does to its sessions and labs (spec §4.3 [P]):
 * sessions are terminated (capacity released), labs force-stopped or orphaned. Best-effort per
 * item: each item is its own versioned write through its own context, and one failure is logged
 * without stopping the rest (a later stop/terminate report or LC's resync repeats it).
 */
@Injectable()
export class WorkerStatusCascade {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async follow(workerId: string, events: readonly DomainEvent[], actor: string): Promise<void> {
    const entered = new Set(events.map((event) => event.type));
    if (entered.has('cml_worker.terminated')) await this.run(workerId, ON_TERMINATED, actor);
    else if (entered.has('cml_worker.stopped')) await this.run(workerId, ON_STOPPED, actor);
  }

  /** Runs the cascade of the status a worker is in again, e.g. after a crash cut it short; idempotent. */
  async resume(workerId: string, status: 'STOPPED' | 'TERMINATED', actor: string): Promise<void> {
    await this.run(workerId, status === 'TERMINATED' ? ON_TERMINATED : ON_STOPPED, actor);
  }

  private async run(workerId: string, cascade: Cascade, actor: string): Promise<void> {
    const sessions = await this.sessions.findStates(
      { worker_id: workerId, status: { $nin: SESSION_STATUSES_SPARED } },
      { _id: 1 },
      CASCADE_BATCH,
    );
    for (const session of sessions) {
      await this.attempt(`terminate session ${session.id}`, () =>
        this.commands.execute(
          new TransitionSessionCommand(session.id, 'TERMINATED', {
            reason: cascade.sessionReason(session),
            actor,
          }),
        ),
      );
    }
    const labs = await this.labs.findStates(
      { 'runtime_binding.worker_id': workerId, status: cascade.labStatusFilter },
      { _id: 1 },
      CASCADE_BATCH,
    );
    for (const lab of labs) {
      await this.attempt(`apply ${cascade.loss} to lab ${lab.id}`, () =>
        this.commands.execute(new ApplyWorkerLossCommand(lab.id, cascade.loss, actor)),
      );
    }
  }

  private async attempt(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn({ err: error }, `worker cascade could not ${what}`);
    }
  }
}
