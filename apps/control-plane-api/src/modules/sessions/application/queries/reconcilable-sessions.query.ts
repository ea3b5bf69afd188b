import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Page, type PageOnlyQuery } from '@lcm/contracts';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { OLDEST_FIRST, pageStates } from '../session-paging';

export class ReconcilableSessionsQuery extends Query<Page<SessionView>> {
  constructor(readonly page: PageOnlyQuery) {
    super();
  }
}

/** Everything LC still has work for: not TERMINATED, or TERMINATED with cleanup outstanding. */
@QueryHandler(ReconcilableSessionsQuery)
export class ReconcilableSessionsHandler implements IQueryHandler<ReconcilableSessionsQuery> {
  constructor(@Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository) {}

  execute({ page }: ReconcilableSessionsQuery): Promise<Page<SessionView>> {
    const filter = { $or: [{ status: { $ne: 'TERMINATED' } }, { cleanup_completed_at: null }] };
    return pageStates(this.sessions, filter, page, OLDEST_FIRST, toSessionView);
  }
}
