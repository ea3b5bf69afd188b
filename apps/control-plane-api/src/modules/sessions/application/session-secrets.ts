import {
  type DeviceAccessInfo,
  type GradingSession as GradingSessionView,
  type UserSession as UserSessionView,
} from '@lcm/contracts';
import { type RequestActor } from '../../../platform/auth/user-authenticator';

/**
 * A session's secrets are the candidate's LDS login URL and the devices' credentials. Operators
 * (admin, manager) see them for every session, a user only for a session it owns (its subject is
 * the session's `owner`); everybody else, every list and every broadcast (SSE) gets them blanked.
 * A controller (internal API) needs them to do its work.
 */
export function maySeeSecrets(viewer: RequestActor, owner: string): boolean {
  if (viewer.kind === 'controller') return true;
  if (viewer.roles.includes('admin') || viewer.roles.includes('manager')) return true;
  return viewer.name === owner;
}

const withoutCredentials = (devices: DeviceAccessInfo[]): DeviceAccessInfo[] =>
  devices.map((device) => ({ ...device, username: null, password: null }));

export const userSessionWithoutSecrets = (view: UserSessionView): UserSessionView => ({
  ...view,
  login_url: null,
  devices: withoutCredentials(view.devices),
});

export const gradingSessionWithoutSecrets = (view: GradingSessionView): GradingSessionView => ({
  ...view,
  devices: withoutCredentials(view.devices),
});
