import type { GradingStatus, UserSessionStatus } from '@lcm/contracts';
import { defineMachine } from '../shared/transition-table';

/** Spec §4.4; creation may start at PROVISIONING or, when the login URL is known, PROVISIONED. */
export const USER_SESSION_TRANSITIONS = {
  PROVISIONING: ['PROVISIONED', 'FAULTED'],
  PROVISIONED: ['ACTIVE', 'FAULTED'],
  ACTIVE: ['PAUSED', 'ENDED', 'EXPIRED', 'FAULTED'],
  PAUSED: ['ACTIVE', 'ENDED', 'EXPIRED', 'FAULTED'],
  ENDED: [],
  EXPIRED: [],
  FAULTED: [],
} as const satisfies Record<UserSessionStatus, readonly UserSessionStatus[]>;

export const USER_SESSION_MACHINE = defineMachine<UserSessionStatus>(
  'USER_SESSION',
  USER_SESSION_TRANSITIONS,
);

/** Spec §4.5; a regrade is a new GradingSession, never an edge back out of a terminal status. */
export const GRADING_SESSION_TRANSITIONS = {
  PENDING: ['COLLECTING', 'FAULTED'],
  COLLECTING: ['GRADING', 'FAULTED'],
  GRADING: ['REVIEWING', 'FAULTED'],
  REVIEWING: ['SUBMITTED', 'FAULTED'],
  SUBMITTED: [],
  FAULTED: [],
} as const satisfies Record<GradingStatus, readonly GradingStatus[]>;

export const GRADING_SESSION_MACHINE = defineMachine<GradingStatus>(
  'GRADING_SESSION',
  GRADING_SESSION_TRANSITIONS,
);
