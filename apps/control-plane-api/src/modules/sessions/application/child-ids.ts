import { derivedId } from '../../../platform/mongo/unit-of-work';

/*
 * The session's child entities (ADR-021). Every write spanning a child and the session writes the
 * child first under an id derived from the session, then the session: a retry after an
 * interruption finds the child and completes the session write, so nothing is lost or written
 * twice without a transaction.
 */

/** The one UserSession of a lablet session and its one ScoreReport have ids derived from it. */
export const userSessionIdOf = (sessionId: string): string => derivedId('user-session', sessionId);
export const scoreReportIdOf = (sessionId: string): string => derivedId('score-report', sessionId);
/** A GradingSession per GradingEngine submission (a retry is a new one, decision 21). */
export const gradingSessionIdOf = (sessionId: string, engineId: string): string =>
  derivedId('grading-session', `${sessionId}:${engineId}`);
