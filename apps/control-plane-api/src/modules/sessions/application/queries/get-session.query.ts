import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';

export class GetSessionQuery extends Query<SessionView> {
  constructor(readonly sessionId: string) {
    super();
  }
}

@QueryHandler(GetSessionQuery)
export class GetSessionHandler implements IQueryHandler<GetSessionQuery> {
  constructor(@Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository) {}

  async execute({ sessionId }: GetSessionQuery): Promise<SessionView> {
    return toSessionView((await this.sessions.getById(sessionId)).toState());
  }
}
