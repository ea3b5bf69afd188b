import { IsoDateTime, ScoreSection } from '@lcm/contracts';
import { z } from 'zod';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import { DomainValidationError } from '../shared/domain-error';
import type { EventUnion } from '../shared/domain-event';

/** Persisted shape of a ScoreReport (spec §3.3); written once, never changed. */
export const ScoreReportState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  lablet_session_id: z.string().min(1),
  grading_session_id: z.string().min(1),
  score: z.number(),
  max_score: z.number().nonnegative(),
  cut_score: z.number().nullable().default(null),
  passed: z.boolean().nullable().default(null),
  sections: z.array(ScoreSection).default([]),
  submitted_at: IsoDateTime.nullable().default(null),
});
export type ScoreReportState = z.infer<typeof ScoreReportState>;
export type ScoreReportStateInput = z.input<typeof ScoreReportState>;

export type ScoreReportEvent = EventUnion<{
  'score_report.created': {
    lablet_session_id: string;
    score: number;
    max_score: number;
    passed: boolean | null;
  };
}>;

export type CreateScoreReportInput = Omit<ScoreReportStateInput, 'version' | 'created_at' | 'updated_at'>;

export class ScoreReport extends AggregateRoot<ScoreReportState, ScoreReportEvent> {
  protected readonly aggregateType = 'score_report' as const;

  /** `passed` defaults to score ≥ cut_score when the engine sends a cut score but no verdict. */
  static create(input: CreateScoreReportInput, clock: Clock): ScoreReport {
    const at = clock.now().toISOString();
    const parsed = ScoreReportState.safeParse({ ...input, version: 0, created_at: at, updated_at: at });
    if (!parsed.success)
      throw new DomainValidationError('invalid score report', { issues: parsed.error.issues });
    const state = parsed.data;
    if (state.score > state.max_score)
      throw new DomainValidationError('score exceeds max_score', {
        score: state.score,
        max_score: state.max_score,
      });
    if (state.passed === null && state.cut_score !== null) state.passed = state.score >= state.cut_score;
    const report = new ScoreReport(state, clock);
    report.raise('score_report.created', {
      lablet_session_id: state.lablet_session_id,
      score: state.score,
      max_score: state.max_score,
      passed: state.passed,
    });
    return report;
  }

  static fromState(state: ScoreReportStateInput, clock: Clock): ScoreReport {
    return new ScoreReport(ScoreReportState.parse(state), clock);
  }

  get labletSessionId(): string {
    return this.state.lablet_session_id;
  }

  get gradingSessionId(): string {
    return this.state.grading_session_id;
  }

  get passed(): boolean | null {
    return this.state.passed;
  }

  get score(): number {
    return this.state.score;
  }
}
