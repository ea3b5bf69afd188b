import { type MarkReadyBody } from '@lcm/contracts';
import { type Clock, type LabletSession, UserSession, type UserSessionState } from '@lcm/domain';
import { ApiError } from '../../../platform/http/api-error';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import { fingerprint, saveIfChanged } from '../../../platform/mongo/unit-of-work';
import { type UserSessionRepository } from '../infrastructure/session.repositories';
import { userSessionIdOf } from './child-ids';

/** The session's one UserSession, created under its derived id or found again after a retry (mark-ready, user-session create). */
export async function ensureUserSession(
  userSessions: UserSessionRepository,
  clock: Clock,
  session: LabletSession,
  data: {
    lds_session_id: string;
    lds_part_id: string | null;
    login_url: string | null;
    devices: MarkReadyBody['devices'];
    form_qualified_name?: string | null;
  },
): Promise<{ userSession: UserSession; committed: Committed<UserSessionState> | null }> {
  const id = userSessionIdOf(session.id);
  let userSession = await userSessions.findById(id);
  if (!userSession) {
    const created = UserSession.create({ id, lablet_session_id: session.id, ...data }, clock);
    const inserted = await userSessions.insertOnce(created);
    if (inserted.committed) return { userSession: created, committed: inserted.committed };
    userSession = inserted.aggregate;
  }
  const state = userSession.toState();
  if (state.lds_session_id !== data.lds_session_id) {
    throw new ApiError(
      'CONFLICT',
      `session ${session.id} already has LDS session ${state.lds_session_id}, not ${data.lds_session_id}`,
    );
  }
  const before = fingerprint(userSession);
  if (data.login_url && userSession.status === 'PROVISIONING')
    userSession.markProvisioned({ login_url: data.login_url, devices: data.devices });
  return { userSession, committed: await saveIfChanged(userSessions, userSession, before) };
}
