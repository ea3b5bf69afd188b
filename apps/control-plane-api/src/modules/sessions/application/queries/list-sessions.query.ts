import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type ListSessionsQuery as ListQuery, type Page } from '@lcm/contracts';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { iso, NEWEST_FIRST, OLDEST_FIRST, pageStates } from '../session-paging';

export class ListSessionsQuery extends Query<Page<SessionView>> {
  constructor(
    readonly filter: ListQuery,
    readonly audience: 'public' | 'internal',
    /** Only these sessions (e.g. the ones a worker's allocation names). */
    readonly onlyIds?: readonly string[],
  ) {
    super();
  }
}

/** `audience` picks the order: the dashboard sees the newest first, controllers the oldest. */
@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler implements IQueryHandler<ListSessionsQuery> {
  constructor(@Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository) {}

  execute({ filter: query, audience, onlyIds }: ListSessionsQuery): Promise<Page<SessionView>> {
    const filter: Record<string, unknown> = {};
    if (onlyIds) filter['_id'] = { $in: onlyIds };
    // One status as an equality: FerretDB hands that to PostgreSQL, `$in` it evaluates by reading
    // every session (docs/decisions/store.md); the controllers' work lists ask for one status.
    if (query.status) filter['status'] = query.status.length === 1 ? query.status[0] : { $in: query.status };
    for (const field of ['worker_id', 'definition_id', 'owner', 'reservation_id'] as const)
      if (query[field]) filter[field] = query[field];
    // A timeslot range selects sessions whose timeslot overlaps it.
    if (query.timeslot_from) filter['timeslot_end'] = { $gt: iso(query.timeslot_from) };
    if (query.timeslot_to) filter['timeslot_start'] = { $lt: iso(query.timeslot_to) };
    return pageStates(
      this.sessions,
      filter,
      query,
      audience === 'public' ? NEWEST_FIRST : OLDEST_FIRST,
      toSessionView,
    );
  }
}
