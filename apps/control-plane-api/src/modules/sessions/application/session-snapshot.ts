import { type LabletSessionRepository } from '../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../infrastructure/session.views';

/** How many sessions a new SSE client's snapshot carries: every non-terminated one up to this, plus the latest terminated. */
export const SNAPSHOT_ACTIVE_LIMIT = 1000;
export const SNAPSHOT_RECENT_TERMINATED = 50;

/** Bounded snapshot for a newly connected SSE client. */
export async function sessionSnapshot(sessions: LabletSessionRepository): Promise<SessionView[]> {
  const [active, terminated] = await Promise.all([
    sessions.findStates(
      { status: { $ne: 'TERMINATED' } },
      { created_at: -1, _id: -1 },
      SNAPSHOT_ACTIVE_LIMIT,
    ),
    sessions.findStates({ status: 'TERMINATED' }, { updated_at: -1, _id: -1 }, SNAPSHOT_RECENT_TERMINATED),
  ]);
  return [...active, ...terminated].map(toSessionView);
}
