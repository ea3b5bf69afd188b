import { type GradingSession, type LabletSession } from '@lcm/domain';
import { notFound } from '../../../platform/http/api-error';
import { type GradingSessionRepository } from '../infrastructure/session.repositories';

/** The session's current GradingSession, else its newest one. */
export async function currentGrading(
  gradingSessions: GradingSessionRepository,
  session: LabletSession,
): Promise<GradingSession> {
  const id = session.gradingSessionId;
  const grading = id
    ? await gradingSessions.findById(id)
    : ((
        await gradingSessions.findMany({ lablet_session_id: session.id }, { created_at: -1, _id: -1 }, 1)
      )[0] ?? null);
  if (!grading) throw notFound('grading session of lablet session', session.id);
  return grading;
}
