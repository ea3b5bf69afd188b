import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  type FindGradingSessionsQuery as FindQuery,
  type GradingSession as GradingSessionView,
  type Page,
} from '@lcm/contracts';
import { GradingSessionRepository } from '../../infrastructure/session.repositories';
import { toGradingSessionView } from '../../infrastructure/session.views';
import { OLDEST_FIRST, pageStates } from '../session-paging';

export class FindGradingSessionsQuery extends Query<Page<GradingSessionView>> {
  constructor(readonly filter: FindQuery) {
    super();
  }
}

@QueryHandler(FindGradingSessionsQuery)
export class FindGradingSessionsHandler implements IQueryHandler<FindGradingSessionsQuery> {
  constructor(@Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository) {}

  execute({ filter: query }: FindGradingSessionsQuery): Promise<Page<GradingSessionView>> {
    return pageStates(
      this.gradingSessions,
      { grading_session_id: query.grading_session_id },
      query,
      OLDEST_FIRST,
      toGradingSessionView,
    );
  }
}
