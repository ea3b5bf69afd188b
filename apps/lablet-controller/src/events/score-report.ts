import { type CloudEventData, type CreateScoreReportBody } from '@lcm/contracts';
import { gradingScoreReportSchema } from '@lcm/integrations/grading';

/**
 * The ScoreReport of a `grading.session.completed` event: totals from the event, sections from the
 * engine's score report when it came with the event, else one section with the totals.
 */
export function scoreReportFromEvent(data: CloudEventData<'grading.completed'>, fallbackTime: string): CreateScoreReportBody {
  const report = gradingScoreReportSchema.safeParse(data.scoreReport);
  const sections =
    report.success && report.data.sections && report.data.sections.length > 0
      ? report.data.sections.map((section, index) => ({ name: section.id ?? `section-${index + 1}`, score: section.score, max_score: section.maxScore, weight: 1 }))
      : [{ name: 'total', score: data.score, max_score: data.maxScore, weight: 1 }];
  return {
    score: data.score,
    max_score: data.maxScore,
    ...(data.cutScore !== undefined ? { cut_score: data.cutScore } : {}),
    ...(data.passed !== undefined ? { passed: data.passed } : {}),
    sections,
    ...(data.generation !== undefined ? { generation: data.generation } : {}),
    ...(data.revision !== undefined ? { revision: data.revision } : {}),
    submitted_at: data.gradedAt ?? fallbackTime,
  };
}
