import {
  canTransition,
  InvalidTransitionError,
  LABLET_SESSION_MACHINE,
  type LabletSession,
} from '@lcm/domain';

export function assertSessionCan(session: LabletSession, target: 'READY' | 'GRADING'): void {
  if (!canTransition(LABLET_SESSION_MACHINE, session.status, target))
    throw new InvalidTransitionError('SESSION', session.id, session.status, target);
}
