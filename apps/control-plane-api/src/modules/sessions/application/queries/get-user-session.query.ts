import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type UserSession as UserSessionView } from '@lcm/contracts';
import { type RequestActor } from '../../../../platform/auth/user-authenticator';
import { notFound } from '../../../../platform/http/api-error';
import { LabletSessionRepository, UserSessionRepository } from '../../infrastructure/session.repositories';
import { toUserSessionView } from '../../infrastructure/session.views';
import { userSessionIdOf } from '../child-ids';
import { maySeeSecrets, userSessionWithoutSecrets } from '../session-secrets';

export class GetUserSessionQuery extends Query<UserSessionView> {
  constructor(
    readonly sessionId: string,
    readonly viewer: RequestActor,
  ) {
    super();
  }
}

@QueryHandler(GetUserSessionQuery)
export class GetUserSessionHandler implements IQueryHandler<GetUserSessionQuery> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
  ) {}

  async execute({ sessionId, viewer }: GetUserSessionQuery): Promise<UserSessionView> {
    const session = await this.sessions.getById(sessionId);
    const userSession = await this.userSessions.findStateById(
      session.userSessionId ?? userSessionIdOf(sessionId),
    );
    if (!userSession) throw notFound('user session of lablet session', sessionId);
    const view = toUserSessionView(userSession);
    return maySeeSecrets(viewer, session.owner) ? view : userSessionWithoutSecrets(view);
  }
}
