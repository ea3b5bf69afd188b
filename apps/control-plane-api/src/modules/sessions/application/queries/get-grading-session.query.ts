import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type GradingSession as GradingSessionView } from '@lcm/contracts';
import { type RequestActor } from '../../../../platform/auth/user-authenticator';
import { GradingSessionRepository, LabletSessionRepository } from '../../infrastructure/session.repositories';
import { toGradingSessionView } from '../../infrastructure/session.views';
import { currentGrading } from '../current-grading';
import { gradingSessionWithoutSecrets, maySeeSecrets } from '../session-secrets';

export class GetGradingSessionQuery extends Query<GradingSessionView> {
  constructor(
    readonly sessionId: string,
    readonly viewer: RequestActor,
  ) {
    super();
  }
}

@QueryHandler(GetGradingSessionQuery)
export class GetGradingSessionHandler implements IQueryHandler<GetGradingSessionQuery> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository,
  ) {}

  async execute({ sessionId, viewer }: GetGradingSessionQuery): Promise<GradingSessionView> {
    const session = await this.sessions.getById(sessionId);
    const view = toGradingSessionView((await currentGrading(this.gradingSessions, session)).toState());
    return maySeeSecrets(viewer, session.owner) ? view : gradingSessionWithoutSecrets(view);
  }
}
