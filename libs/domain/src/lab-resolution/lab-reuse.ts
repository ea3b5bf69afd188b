import type { LabRecordStatus } from '@lcm/contracts';

/** What the resolution needs to know of a LabRecord. */
export interface ReuseCandidate {
  id: string;
  status: LabRecordStatus;
  pending_action: string | null;
  based_on_definition_id: string | null;
  active_lablet_session_id: string | null;
  runtime_binding: { worker_id: string; lab_id: string };
}

/** Spec §7.3.1: wiped labs first (start at once), then stopped ones (wipe, then start). */
const REUSE_ORDER: readonly LabRecordStatus[] = ['WIPED', 'STOPPED'];

/**
 * The labs a session may take over on its worker, best first: same definition, no pending action,
 * not used by another session, WIPED before STOPPED. WIPING and STOPPING labs are skipped for now
 * (they become candidates once the action finishes); anything else is not reusable.
 */
export function orderReuseCandidates<T extends ReuseCandidate>(labs: readonly T[], definitionId: string, workerId: string, sessionId: string): T[] {
  return labs
    .filter(
      (lab) =>
        lab.based_on_definition_id === definitionId &&
        lab.runtime_binding.worker_id === workerId &&
        lab.pending_action === null &&
        (lab.active_lablet_session_id === null || lab.active_lablet_session_id === sessionId) &&
        REUSE_ORDER.includes(lab.status),
    )
    .sort((a, b) => REUSE_ORDER.indexOf(a.status) - REUSE_ORDER.indexOf(b.status) || a.id.localeCompare(b.id));
}

/** A reused lab is wiped first when it was only stopped (its previous candidate's state must go). */
export const reuseNeedsWipe = (status: LabRecordStatus): boolean => status === 'STOPPED';
