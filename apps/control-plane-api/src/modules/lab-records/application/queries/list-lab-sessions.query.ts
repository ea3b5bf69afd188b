import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type LabletSession, type Page, type PageQuery } from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { LabletSessionRepository, toSessionView } from '../../../sessions';
import { afterCursor, type KeysetPage, keysetSort, pageOf } from '../../../../platform/mongo/page-cursor';

const NEWEST_FIRST: KeysetPage = { sortField: 'created_at', direction: -1 };

/**
 * Sessions that used the lab (decision 6): those that reference it, plus those its run history
 * names (a session's reference may since have moved on to another lab).
 */
export class ListLabSessionsQuery extends Query<Page<LabletSession>> {
  constructor(
    readonly labRecordId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

@QueryHandler(ListLabSessionsQuery)
export class ListLabSessionsHandler implements IQueryHandler<ListLabSessionsQuery> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly sessions: LabletSessionRepository,
  ) {}

  async execute({ labRecordId, page }: ListLabSessionsQuery): Promise<Page<LabletSession>> {
    const lab = (await this.labs.getById(labRecordId)).toState();
    const namedByRuns = lab.run_history.flatMap((run) =>
      run.lablet_session_id ? [run.lablet_session_id] : [],
    );
    const filter = afterCursor(
      { $or: [{ lab_record_id: labRecordId }, { _id: { $in: namedByRuns } }] } as Parameters<
        LabletSessionRepository['findStates']
      >[0],
      NEWEST_FIRST,
      page.cursor,
    );
    const states = await this.sessions.findStates(filter, keysetSort(NEWEST_FIRST), page.limit + 1);
    const { items, next_cursor } = pageOf(states, page.limit, NEWEST_FIRST);
    return { items: items.map(toSessionView), next_cursor };
  }
}
