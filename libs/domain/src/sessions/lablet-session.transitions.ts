import type { LabletSessionStatus } from '@lcm/contracts';
import { defineMachine } from '../shared/transition-table';

/**
 * Spec §4.1 (binding) with decision 19: EXPIRED only from the four pre-RUNNING statuses, and
 * onwards to STOPPING (a lab must be torn down) or TERMINATED. STOPPED → RUNNING is absent
 * (decision 4). TERMINATED is the only terminal status.
 */
export const LABLET_SESSION_TRANSITIONS = {
  PENDING: ['SCHEDULED', 'EXPIRED', 'TERMINATED'],
  SCHEDULED: ['INSTANTIATING', 'EXPIRED', 'TERMINATED'],
  INSTANTIATING: ['READY', 'EXPIRED', 'TERMINATED'],
  READY: ['RUNNING', 'EXPIRED', 'TERMINATED'],
  RUNNING: ['COLLECTING', 'STOPPING', 'TERMINATED'],
  COLLECTING: ['GRADING', 'STOPPING', 'TERMINATED'],
  GRADING: ['STOPPING', 'TERMINATED'],
  STOPPING: ['STOPPED', 'TERMINATED'],
  STOPPED: ['ARCHIVED', 'TERMINATED'],
  ARCHIVED: ['TERMINATED'],
  EXPIRED: ['STOPPING', 'TERMINATED'],
  TERMINATED: [],
} as const satisfies Record<LabletSessionStatus, readonly LabletSessionStatus[]>;

export const LABLET_SESSION_MACHINE = defineMachine<LabletSessionStatus>(
  'SESSION',
  LABLET_SESSION_TRANSITIONS,
);
