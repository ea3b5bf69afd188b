import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type GradingSession as GradingSessionView, type UpdateGradingStatusBody } from '@lcm/contracts';
import { InvalidTransitionError } from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { compact, fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { GradingSessionRepository, LabletSessionRepository } from '../../infrastructure/session.repositories';
import { toGradingSessionView } from '../../infrastructure/session.views';
import { currentGrading } from '../current-grading';
import { SessionChanges } from '../session-changes';

export class UpdateGradingSessionStatusCommand extends Command<GradingSessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: UpdateGradingStatusBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(UpdateGradingSessionStatusCommand)
export class UpdateGradingSessionStatusHandler implements ICommandHandler<UpdateGradingSessionStatusCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, body, actor }: UpdateGradingSessionStatusCommand): Promise<GradingSessionView> {
    const session = await this.sessions.getById(sessionId);
    const grading = await currentGrading(this.gradingSessions, session);
    const gradingBefore = fingerprint(grading);
    const sessionBefore = fingerprint(session);
    switch (body.status) {
      case 'PENDING':
        if (grading.status !== 'PENDING')
          throw new InvalidTransitionError('GRADING_SESSION', grading.id, grading.status, 'PENDING');
        break;
      case 'COLLECTING':
        grading.startCollecting();
        break;
      case 'GRADING': {
        const engineId = grading.toState().grading_session_id;
        if (!engineId)
          throw new ApiError('INVALID_REQUEST', 'the grading session has no GradingEngine id yet');
        grading.submit({
          grading_session_id: engineId,
          pod_id: grading.toState().pod_id,
          grading_part_id: grading.toState().grading_part_id,
        });
        break;
      }
      case 'REVIEWING':
        grading.markReviewing();
        break;
      case 'SUBMITTED':
        grading.markSubmitted();
        break;
      case 'FAULTED': {
        const error = body.error_message ?? 'grading failed';
        // Decision 21: the session holds in GRADING for an operator; the fault is recorded on it too.
        if (session.status === 'GRADING' && session.gradingSessionId === grading.id)
          session.recordGradingFailure(grading, error);
        else grading.fault(error);
        break;
      }
    }
    const gradingCommitted = await saveIfChanged(this.gradingSessions, grading, gradingBefore);
    const sessionCommitted = await saveIfChanged(this.sessions, session, sessionBefore);
    await this.changes.record({
      actor,
      sessions: compact([sessionCommitted]),
      gradingSessions: compact([gradingCommitted]),
    });
    return toGradingSessionView(gradingCommitted?.state ?? grading.toState());
  }
}
