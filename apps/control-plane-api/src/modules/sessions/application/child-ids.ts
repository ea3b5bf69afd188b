import { derivedId } from '../../../platform/mongo/unit-of-work';

/** The one UserSession of a lablet session and its one ScoreReport have ids derived from it. */
export const userSessionIdOf = (sessionId: string): string => derivedId('user-session', sessionId);
export const scoreReportIdOf = (sessionId: string): string => derivedId('score-report', sessionId);
/** A GradingSession per GradingEngine submission (a retry is a new one, decision 21). */
export const gradingSessionIdOf = (sessionId: string, engineId: string): string =>
  derivedId('grading-session', `${sessionId}:${engineId}`);
