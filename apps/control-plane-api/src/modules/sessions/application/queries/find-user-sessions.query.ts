import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  type FindUserSessionsQuery as FindQuery,
  type Page,
  type UserSession as UserSessionView,
} from '@lcm/contracts';
import { UserSessionRepository } from '../../infrastructure/session.repositories';
import { toUserSessionView } from '../../infrastructure/session.views';
import { OLDEST_FIRST, pageStates } from '../session-paging';

export class FindUserSessionsQuery extends Query<Page<UserSessionView>> {
  constructor(readonly filter: FindQuery) {
    super();
  }
}

@QueryHandler(FindUserSessionsQuery)
export class FindUserSessionsHandler implements IQueryHandler<FindUserSessionsQuery> {
  constructor(@Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository) {}

  execute({ filter: query }: FindUserSessionsQuery): Promise<Page<UserSessionView>> {
    return pageStates(
      this.userSessions,
      { lds_session_id: query.lds_session_id },
      query,
      OLDEST_FIRST,
      toUserSessionView,
    );
  }
}
