import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type GradingSession as GradingSessionView } from '@lcm/contracts';
import { GradingSessionRepository, LabletSessionRepository } from '../../infrastructure/session.repositories';
import { toGradingSessionView } from '../../infrastructure/session-views';
import { currentGrading } from '../current-grading';

export class GetGradingSessionQuery extends Query<GradingSessionView> {
  constructor(readonly sessionId: string) {
    super();
  }
}

@QueryHandler(GetGradingSessionQuery)
export class GetGradingSessionHandler implements IQueryHandler<GetGradingSessionQuery> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository,
  ) {}

  async execute({ sessionId }: GetGradingSessionQuery): Promise<GradingSessionView> {
    const grading = await currentGrading(this.gradingSessions, await this.sessions.getById(sessionId));
    return toGradingSessionView(grading.toState());
  }
}
