import type { LabletSessionStatus } from '@lcm/contracts';

/**
 * What each session status implies about the resources it holds, in one table (spec §3.2 and
 * decisions 3 and 19). Every status subset the code needs is derived from these rows, so a new
 * status or a changed rule is one edit here.
 * - `worker`: the session is bound to a worker and its ports.
 * - `capacity`: it counts against the worker's allocated capacity; `while_lab` only while a lab
 *   record must still be torn down (EXPIRED from INSTANTIATING or READY).
 * - `labUp`: its lab is expected to be booted.
 * - `beforeReady`: it has not reached READY yet (the "past start, not ready" metric).
 * - `terminal`: nothing follows.
 */
interface SessionStatusTraits {
  readonly worker: boolean;
  readonly capacity: boolean | 'while_lab';
  readonly labUp: boolean;
  readonly beforeReady: boolean;
  readonly terminal: boolean;
}

export const SESSION_STATUS_TRAITS = {
  PENDING: { worker: false, capacity: false, labUp: false, beforeReady: true, terminal: false },
  SCHEDULED: { worker: true, capacity: true, labUp: false, beforeReady: true, terminal: false },
  INSTANTIATING: { worker: true, capacity: true, labUp: false, beforeReady: true, terminal: false },
  READY: { worker: true, capacity: true, labUp: true, beforeReady: false, terminal: false },
  RUNNING: { worker: true, capacity: true, labUp: true, beforeReady: false, terminal: false },
  COLLECTING: { worker: true, capacity: true, labUp: true, beforeReady: false, terminal: false },
  GRADING: { worker: true, capacity: true, labUp: true, beforeReady: false, terminal: false },
  STOPPING: { worker: true, capacity: true, labUp: false, beforeReady: false, terminal: false },
  STOPPED: { worker: true, capacity: false, labUp: false, beforeReady: false, terminal: false },
  ARCHIVED: { worker: true, capacity: false, labUp: false, beforeReady: false, terminal: false },
  // Decision 19: EXPIRED may come from PENDING (no worker) or from a status that holds one.
  EXPIRED: { worker: false, capacity: 'while_lab', labUp: false, beforeReady: false, terminal: false },
  TERMINATED: { worker: false, capacity: false, labUp: false, beforeReady: false, terminal: true },
} as const satisfies Record<LabletSessionStatus, SessionStatusTraits>;

const ALL_STATUSES = Object.keys(SESSION_STATUS_TRAITS) as LabletSessionStatus[];

function statusesWhere(predicate: (traits: SessionStatusTraits) => boolean): readonly LabletSessionStatus[] {
  return ALL_STATUSES.filter((status) => predicate(SESSION_STATUS_TRAITS[status]));
}

/** Statuses that always hold a worker and ports; EXPIRED and TERMINATED may come from PENDING without one. */
export const SESSION_STATUSES_WITH_WORKER = statusesWhere((traits) => traits.worker);

/** Statuses that count against capacity whatever else holds (EXPIRED needs its lab record too). */
export const SESSION_STATUSES_HOLDING_CAPACITY = statusesWhere((traits) => traits.capacity === true);

/** Statuses that can never count against capacity: the store-side filter of capacity recalculations. */
export const SESSION_STATUSES_NEVER_HOLDING_CAPACITY = statusesWhere((traits) => traits.capacity === false);

export const SESSION_STATUSES_WITH_LAB_UP = statusesWhere((traits) => traits.labUp);

export const SESSION_STATUSES_BEFORE_READY = statusesWhere((traits) => traits.beforeReady);

export const SESSION_TERMINAL_STATUSES = statusesWhere((traits) => traits.terminal);

export function sessionHoldsCapacity(status: LabletSessionStatus, labRecordId: string | null): boolean {
  const capacity = SESSION_STATUS_TRAITS[status].capacity;
  return capacity === 'while_lab' ? labRecordId !== null : capacity;
}
