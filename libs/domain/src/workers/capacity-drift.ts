import type { CmlWorkerState } from './cml-worker.state';

/**
 * True when a worker's allocations disagree with the sessions that hold it (spec §3.5, decision
 * 3): a holder without an allocation, or an allocation, session entry or session-held ports of a
 * session that does not hold the worker; or ports still held by a lab record that is DELETED or
 * ARCHIVED (`retiredLabIds`: a lab holds its ports until it is deleted, decision 20). Allocations
 * younger than `graceMs` are left out: they may belong to a placement whose session write is still
 * on its way.
 */
export function capacityDrifted(
  worker: Pick<CmlWorkerState, 'capacity_allocations' | 'port_allocations' | 'session_ids'>,
  holderIds: ReadonlySet<string>,
  now: Date,
  graceMs: number,
  retiredLabIds: ReadonlySet<string> = new Set(),
): boolean {
  const settledBefore = new Date(now.getTime() - graceMs).toISOString();
  const young = new Set(
    [
      ...worker.capacity_allocations.map((allocation) => ({
        id: allocation.session_id,
        at: allocation.allocated_at,
      })),
      ...worker.port_allocations
        .filter((allocation) => allocation.holder_kind === 'session')
        .map((allocation) => ({ id: allocation.holder_id, at: allocation.allocated_at })),
    ]
      .filter((entry) => entry.at > settledBefore)
      .map((entry) => entry.id),
  );
  const allocated = new Set(worker.capacity_allocations.map((allocation) => allocation.session_id));
  const unheld = (id: string) => !holderIds.has(id) && !young.has(id);
  return (
    [...holderIds].some((id) => !allocated.has(id)) ||
    [...allocated].some(unheld) ||
    worker.session_ids.some(unheld) ||
    worker.port_allocations.some(
      (allocation) =>
        (allocation.holder_kind === 'session' && unheld(allocation.holder_id)) ||
        (allocation.holder_kind === 'lab_record' && retiredLabIds.has(allocation.holder_id)),
    )
  );
}
