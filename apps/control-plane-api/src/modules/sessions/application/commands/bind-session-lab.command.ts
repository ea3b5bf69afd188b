import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type UpdateSessionLabBody } from '@lcm/contracts';
import {
  bindLabToSession,
  InvalidTransitionError,
  type LabRecordState,
  type LabletSession,
  type LabletSessionState,
} from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { type Committed } from '../../../../platform/mongo/aggregate-repository';
import {
  compact,
  fingerprint,
  retryOnConflict,
  saveIfChanged,
} from '../../../../platform/mongo/unit-of-work';
import { LabRecordRepository } from '../../../lab-records';
import { CmlWorkerRepository } from '../../../workers';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { recordPipelineSteps } from '../record-pipeline-steps';
import { SessionChanges } from '../session-changes';

export class BindSessionLabCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: UpdateSessionLabBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * Links the session to its LabRecord during INSTANTIATING (decision 2, 20), recording the import
 * that created the lab when the body says so. Worker and lab are saved (side by side) before the
 * session (both steps are idempotent, so a retry after a lost session write completes the link);
 * when the session can no longer take the lab, the lab is let go again.
 */
@CommandHandler(BindSessionLabCommand)
export class BindSessionLabHandler implements ICommandHandler<BindSessionLabCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, body, actor }: BindSessionLabCommand): Promise<SessionView> {
    return retryOnConflict(async () => {
      // Each round trip to the store is on the instantiation's critical path (lablet-controller README § Figures).
      const [session, lab] = await Promise.all([
        this.sessions.getById(sessionId),
        this.labs.getById(body.lab_record_id),
      ]);
      const labBefore = fingerprint(lab);
      if (body.imported && lab.status === 'IMPORTING') {
        lab.assignCmlLabId(body.cml_lab_id);
        lab.observeStatus('DEFINED', 'imported');
      }
      // The body is well formed; the stored lab record refutes it (409, as a template rename).
      if (lab.labId !== body.cml_lab_id) {
        throw new ApiError(
          'CONFLICT',
          `cml_lab_id ${body.cml_lab_id} is not the CML lab of lab record ${lab.id} (${lab.labId})`,
          [{ field: 'body.cml_lab_id', message: 'does not match the lab record' }],
        );
      }
      if (session.labRecordId === lab.id) return this.recordProgressOnly(session, body, actor);
      if (!session.workerId)
        throw new InvalidTransitionError('SESSION', sessionId, session.status, 'INSTANTIATING');
      const worker = await this.workers.getById(session.workerId);
      const workerBefore = fingerprint(worker);
      bindLabToSession(session, lab, worker);
      recordPipelineSteps(session, body.progress ?? []);
      const [workerCommitted, labCommitted] = await Promise.all([
        saveIfChanged(this.workers, worker, workerBefore),
        saveIfChanged(this.labs, lab, labBefore),
      ]);
      let committed: Committed<LabletSessionState>;
      try {
        committed = await this.sessions.save(session);
      } catch (error) {
        const undone = await this.detachLab(lab.id, sessionId);
        await this.changes.record({
          actor,
          workers: compact([workerCommitted]),
          labs: compact([labCommitted, undone]),
        });
        throw error;
      }
      await this.changes.record({
        actor,
        sessions: [committed],
        workers: compact([workerCommitted]),
        labs: compact([labCommitted]),
      });
      return toSessionView(committed.state);
    });
  }

  /** A repeated link (its first answer was lost) still records the steps it carries. */
  private async recordProgressOnly(
    session: LabletSession,
    body: UpdateSessionLabBody,
    actor: string,
  ): Promise<SessionView> {
    const before = fingerprint(session);
    recordPipelineSteps(session, body.progress ?? []);
    const committed = await saveIfChanged(this.sessions, session, before);
    if (!committed) return toSessionView(session.toState());
    await this.changes.record({ actor, sessions: [committed] });
    return toSessionView(committed.state);
  }

  /** The lab is attached again by the retry when the session still takes it; otherwise it stays free. */
  private detachLab(labId: string, sessionId: string): Promise<Committed<LabRecordState> | null> {
    return retryOnConflict(async () => {
      const lab = await this.labs.findById(labId);
      if (!lab) return null;
      const before = fingerprint(lab);
      lab.detachSession(sessionId);
      return saveIfChanged(this.labs, lab, before);
    });
  }
}
