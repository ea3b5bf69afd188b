import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  type ListScoreReportsQuery as ListQuery,
  type Page,
  type ScoreReport as ScoreReportView,
} from '@lcm/contracts';
import { ScoreReportRepository } from '../../infrastructure/session.repositories';
import { toScoreReportView } from '../../infrastructure/session.views';
import { iso, NEWEST_FIRST, pageStates } from '../session-paging';

export class ListScoreReportsQuery extends Query<Page<ScoreReportView>> {
  constructor(readonly filter: ListQuery) {
    super();
  }
}

@QueryHandler(ListScoreReportsQuery)
export class ListScoreReportsHandler implements IQueryHandler<ListScoreReportsQuery> {
  constructor(@Inject(ScoreReportRepository) private readonly scoreReports: ScoreReportRepository) {}

  execute({ filter: query }: ListScoreReportsQuery): Promise<Page<ScoreReportView>> {
    const filter: Record<string, unknown> = {};
    if (query.definition_id) filter['definition_id'] = query.definition_id;
    if (query.owner) filter['owner'] = query.owner;
    if (query.passed !== undefined) filter['passed'] = query.passed;
    const created: Record<string, string> = {};
    if (query.from) created['$gte'] = iso(query.from);
    if (query.to) created['$lt'] = iso(query.to);
    if (Object.keys(created).length > 0) filter['created_at'] = created;
    return pageStates(this.scoreReports, filter, query, NEWEST_FIRST, toScoreReportView);
  }
}
