import { DeviceAccessInfo, IsoDateTime, StatusHistoryEntry, UserSessionStatus } from '@lcm/contracts';
import { z } from 'zod';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import type { EventUnion } from '../shared/domain-event';
import { applyTransition } from '../shared/transition-table';
import { USER_SESSION_MACHINE } from './child.transitions';

/** Persisted shape of a UserSession, the LDS side of a lablet session (spec §3.3, own collection per ADR-021). */
export const UserSessionState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  lablet_session_id: z.string().min(1),
  lds_session_id: z.string().min(1),
  lds_part_id: z.string().nullable().default(null),
  login_url: z.string().nullable().default(null),
  devices: z.array(DeviceAccessInfo).default([]),
  form_qualified_name: z.string().nullable().default(null),
  status: UserSessionStatus,
  status_history: z.array(StatusHistoryEntry).default([]),
  started_at: IsoDateTime.nullable().default(null),
  ended_at: IsoDateTime.nullable().default(null),
  error_message: z.string().nullable().default(null),
});
export type UserSessionState = z.infer<typeof UserSessionState>;
export type UserSessionStateInput = z.input<typeof UserSessionState>;

export const USER_SESSION_STATUS_EVENTS = {
  PROVISIONING: 'user_session.provisioning',
  PROVISIONED: 'user_session.provisioned',
  ACTIVE: 'user_session.active',
  PAUSED: 'user_session.paused',
  ENDED: 'user_session.ended',
  EXPIRED: 'user_session.expired',
  FAULTED: 'user_session.faulted',
} as const satisfies Record<UserSessionStatus, `user_session.${string}`>;

type StatusPayload = { lablet_session_id: string; from: UserSessionStatus | null; to: UserSessionStatus };
export type UserSessionEvent = EventUnion<{
  [S in UserSessionStatus as (typeof USER_SESSION_STATUS_EVENTS)[S]]: StatusPayload;
}>;

export interface CreateUserSessionInput {
  id: string;
  lablet_session_id: string;
  lds_session_id: string;
  lds_part_id?: string | null;
  login_url?: string | null;
  devices?: DeviceAccessInfo[];
  form_qualified_name?: string | null;
}

const TERMINAL: readonly UserSessionStatus[] = ['ENDED', 'EXPIRED', 'FAULTED'];

export class UserSession extends AggregateRoot<UserSessionState, UserSessionEvent> {
  protected readonly aggregateType = 'user_session' as const;

  /** Created directly as PROVISIONED when the login URL is already known (spec §4.4). */
  static create(input: CreateUserSessionInput, clock: Clock): UserSession {
    const at = clock.now().toISOString();
    const status: UserSessionStatus = input.login_url ? 'PROVISIONED' : 'PROVISIONING';
    const session = new UserSession(
      UserSessionState.parse({
        ...input,
        version: 0,
        created_at: at,
        updated_at: at,
        status,
        status_history: [{ from: null, to: status, at, reason: 'created', actor: null }],
      }),
      clock,
    );
    session.raise(USER_SESSION_STATUS_EVENTS[status], {
      lablet_session_id: input.lablet_session_id,
      from: null,
      to: status,
    });
    return session;
  }

  static fromState(state: UserSessionStateInput, clock: Clock): UserSession {
    return new UserSession(UserSessionState.parse(state), clock);
  }

  get status(): UserSessionStatus {
    return this.state.status;
  }

  get labletSessionId(): string {
    return this.state.lablet_session_id;
  }

  get isTerminal(): boolean {
    return TERMINAL.includes(this.state.status);
  }

  markProvisioned(input: { login_url: string; devices?: DeviceAccessInfo[] }): void {
    if (!this.transitionTo('PROVISIONED', 'login_url_recorded')) return;
    this.state.login_url = input.login_url;
    if (input.devices) this.state.devices = structuredClone(input.devices);
  }

  activate(): void {
    if (!this.transitionTo('ACTIVE', 'candidate_active')) return;
    this.state.started_at ??= this.now();
  }

  pause(): void {
    this.transitionTo('PAUSED', 'paused');
  }

  end(): void {
    if (!this.transitionTo('ENDED', 'ended')) return;
    this.state.ended_at = this.now();
  }

  expire(): void {
    if (!this.transitionTo('EXPIRED', 'timeout')) return;
    this.state.ended_at = this.now();
  }

  fault(error: string): void {
    if (!this.transitionTo('FAULTED', error)) return;
    this.state.error_message = error;
  }

  private transitionTo(to: UserSessionStatus, reason: string): boolean {
    const from = this.state.status;
    if (!applyTransition(USER_SESSION_MACHINE, this.state, to, { at: this.now(), reason })) return false;
    this.raise(USER_SESSION_STATUS_EVENTS[to], { lablet_session_id: this.state.lablet_session_id, from, to });
    return true;
  }
}
