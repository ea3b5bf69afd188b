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

/** Statuses that hold a worker and ports (spec §3.2 invariant); EXPIRED and TERMINATED may come from PENDING without one. */
export const SESSION_STATUSES_WITH_WORKER: readonly LabletSessionStatus[] = [
  'SCHEDULED',
  'INSTANTIATING',
  'READY',
  'RUNNING',
  'COLLECTING',
  'GRADING',
  'STOPPING',
  'STOPPED',
  'ARCHIVED',
];

/** Decision 3: capacity is held from SCHEDULED until STOPPED/TERMINATED, and past EXPIRED only while a lab must be torn down. */
const CAPACITY_HOLDING: readonly LabletSessionStatus[] = [
  'SCHEDULED',
  'INSTANTIATING',
  'READY',
  'RUNNING',
  'COLLECTING',
  'GRADING',
  'STOPPING',
];

export function sessionHoldsCapacity(status: LabletSessionStatus, labRecordId: string | null): boolean {
  return CAPACITY_HOLDING.includes(status) || (status === 'EXPIRED' && labRecordId !== null);
}
