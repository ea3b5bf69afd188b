import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateScoreReportBody, type ScoreReport as ScoreReportView } from '@lcm/contracts';
import { type Clock, InvalidTransitionError, ScoreReport } from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { compact, fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabletSessionRepository, ScoreReportRepository } from '../../infrastructure/session.repositories';
import { toScoreReportView } from '../../infrastructure/session.views';
import { scoreReportIdOf } from '../child-ids';
import { SessionChanges } from '../session-changes';

export class CreateScoreReportCommand extends Command<ScoreReportView> {
  constructor(
    readonly sessionId: string,
    readonly body: CreateScoreReportBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** Stores the score of the current GradingSession and sets grade_result; a repeat returns the stored report. */
@CommandHandler(CreateScoreReportCommand)
export class CreateScoreReportHandler implements ICommandHandler<CreateScoreReportCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(ScoreReportRepository) private readonly scoreReports: ScoreReportRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ sessionId, body, actor }: CreateScoreReportCommand): Promise<ScoreReportView> {
    const session = await this.sessions.getById(sessionId);
    const id = scoreReportIdOf(sessionId);
    const stored = await this.scoreReports.findStateById(id);
    if (stored && session.toState().score_report_id === id) return toScoreReportView(stored);
    if (session.status !== 'GRADING')
      throw new InvalidTransitionError('SESSION', sessionId, session.status, 'GRADING');
    const gradingSessionId = session.gradingSessionId;
    if (!gradingSessionId)
      throw new ApiError('CONFLICT', `session ${sessionId} has no grading session to score`);
    const state = session.toState();
    let report = stored ? ScoreReport.fromState(stored, this.clock) : null;
    let reportCommitted = null;
    if (!report) {
      const created = ScoreReport.create(
        {
          id,
          lablet_session_id: sessionId,
          grading_session_id: gradingSessionId,
          score: body.score,
          max_score: body.max_score,
          cut_score: body.cut_score ?? null,
          passed: body.passed ?? null,
          sections: body.sections,
          submitted_at: body.submitted_at ?? null,
        },
        this.clock,
      );
      const inserted = await this.scoreReports.insertOnce(created, () =>
        this.scoreReports.insertWithExtras(created, {
          definition_id: state.definition_id,
          owner: state.owner,
          generation: body.generation ?? null,
          revision: body.revision ?? null,
        }),
      );
      reportCommitted = inserted.committed;
      report = inserted.aggregate;
    }
    const before = fingerprint(session);
    session.recordScore(report);
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed], scoreReports: compact([reportCommitted]) });
    const view = await this.scoreReports.findStateById(id);
    return toScoreReportView(view ?? report.toState());
  }
}
