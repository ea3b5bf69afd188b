import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type ScoreReport as ScoreReportView } from '@lcm/contracts';
import { notFound } from '../../../../platform/http/api-error';
import { LabletSessionRepository, ScoreReportRepository } from '../../infrastructure/session.repositories';
import { toScoreReportView } from '../../infrastructure/session.views';

export class GetScoreReportQuery extends Query<ScoreReportView> {
  constructor(readonly sessionId: string) {
    super();
  }
}

@QueryHandler(GetScoreReportQuery)
export class GetScoreReportHandler implements IQueryHandler<GetScoreReportQuery> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(ScoreReportRepository) private readonly scoreReports: ScoreReportRepository,
  ) {}

  async execute({ sessionId }: GetScoreReportQuery): Promise<ScoreReportView> {
    const session = (await this.sessions.getById(sessionId)).toState();
    const report = session.score_report_id
      ? await this.scoreReports.findStateById(session.score_report_id)
      : null;
    if (!report) throw notFound('score report of lablet session', sessionId);
    return toScoreReportView(report);
  }
}
