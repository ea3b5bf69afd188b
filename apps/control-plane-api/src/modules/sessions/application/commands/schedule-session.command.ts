import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type CmlWorkerState,
  InvalidTransitionError,
  type LabletSessionState,
  scheduleSession,
} from '@lcm/domain';
import { type Committed } from '../../../../platform/mongo/aggregate-repository';
import {
  backoff,
  compact,
  fingerprint,
  isVersionConflict,
  MAX_CONFLICT_ATTEMPTS,
  retryOnConflict,
  saveIfChanged,
} from '../../../../platform/mongo/unit-of-work';
import { LabletDefinitionRepository } from '../../../lablet-definitions/infrastructure/lablet-definition.repository';
import { CmlWorkerRepository } from '../../../workers/infrastructure/cml-worker.repository';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session-views';
import { SessionChanges } from '../session-changes';

export class ScheduleSessionCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * PENDING → SCHEDULED (decision 20) with capacity and the lowest free ports reserved on the
 * worker in one unit: the worker is saved first, so its version check serialises concurrent
 * schedules on it (the loser re-reads and retries); then the session. When the session save loses (it changed
 * meanwhile, e.g. was terminated), the allocation is released on the worker again and the
 * command starts over from the fresh session.
 */
@CommandHandler(ScheduleSessionCommand)
export class ScheduleSessionHandler implements ICommandHandler<ScheduleSessionCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(LabletDefinitionRepository) private readonly definitions: LabletDefinitionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, workerId, actor }: ScheduleSessionCommand): Promise<SessionView> {
    for (let attempt = 0; ; attempt += 1) {
      const session = await this.sessions.getById(sessionId);
      if (session.status === 'SCHEDULED' && session.workerId === workerId)
        return toSessionView(session.toState());
      if (session.status !== 'PENDING')
        throw new InvalidTransitionError('SESSION', sessionId, session.status, 'SCHEDULED');
      const worker = await this.workers.getById(workerId);
      const definition = await this.definitions.getById(session.definitionId);
      scheduleSession(session, worker, definition, actor);

      let workerCommitted: Committed<CmlWorkerState>;
      try {
        workerCommitted = await this.workers.save(worker);
      } catch (error) {
        if (!isVersionConflict(error) || attempt + 1 >= MAX_CONFLICT_ATTEMPTS) throw error;
        await backoff(attempt);
        continue;
      }
      let committed: Committed<LabletSessionState>;
      try {
        committed = await this.sessions.save(session);
      } catch (error) {
        const compensation = await this.releaseAllocation(workerId, sessionId);
        await this.changes.record({ actor, workers: compact([workerCommitted, compensation]) });
        if (!isVersionConflict(error) || attempt + 1 >= MAX_CONFLICT_ATTEMPTS) throw error;
        continue;
      }
      await this.changes.record({ actor, sessions: [committed], workers: [workerCommitted] });
      return toSessionView(committed.state);
    }
  }

  /** Compensation of a schedule whose session write lost: the worker gives the allocation back. */
  private releaseAllocation(workerId: string, sessionId: string): Promise<Committed<CmlWorkerState> | null> {
    return retryOnConflict(async () => {
      const worker = await this.workers.findById(workerId);
      if (!worker) return null;
      const before = fingerprint(worker);
      worker.release(sessionId);
      return saveIfChanged(this.workers, worker, before);
    });
  }
}
