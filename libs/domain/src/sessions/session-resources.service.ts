import type { LabletDefinition } from '../lablet-definitions/lablet-definition.aggregate';
import type { LabRecord } from '../lab-records/lab-record.aggregate';
import type { CmlWorker } from '../workers/cml-worker.aggregate';
import type { LabletSession } from './lablet-session.aggregate';
import { assertTransition } from '../shared/transition-table';
import { LabBindingRefusedError } from './lablet-session.errors';
import { LABLET_SESSION_MACHINE } from './lablet-session.transitions';

/*
 * Rules that span a session, its worker and its lab. The caller loads the aggregates, calls one
 * of these, and saves all of them in one unit of work (each with its own version check).
 */

/** PENDING → SCHEDULED with capacity and the lowest free ports reserved atomically (decision 20). */
export function scheduleSession(
  session: LabletSession,
  worker: CmlWorker,
  definition: LabletDefinition,
  actor: string | null = null,
): void {
  if (session.status === 'SCHEDULED' && session.workerId === worker.id) return;
  if (session.definitionId !== definition.id)
    throw new LabBindingRefusedError(session.id, definition.id, 'definition does not match the session');
  // The session's table is consulted first so a refused schedule never touches the worker.
  assertTransition(LABLET_SESSION_MACHINE, session.id, session.status, 'SCHEDULED');
  const ports = worker.allocate(session.id, definition.capacityDemand, definition.portNames);
  session.schedule({ worker_id: worker.id, allocated_ports: ports, actor });
}

/**
 * Decision 20. A lab that already holds ports is reused: the session's own reservation is
 * released and it takes the lab's ports. Otherwise it is the session's cold import: the
 * reserved ports move to the lab, which keeps them until it is deleted.
 */
export function bindLabToSession(session: LabletSession, lab: LabRecord, worker: CmlWorker): void {
  if (session.labRecordId === lab.id) return;
  session.assertCanBindLab(lab.id);
  if (lab.workerId !== worker.id || session.workerId !== worker.id)
    throw new LabBindingRefusedError(session.id, lab.id, 'lab, session and worker differ');
  if (lab.isTerminal) throw new LabBindingRefusedError(session.id, lab.id, `lab is ${lab.status}`);
  if (lab.activeSessionId !== null && lab.activeSessionId !== session.id)
    throw new LabBindingRefusedError(session.id, lab.id, `lab is used by session ${lab.activeSessionId}`);
  const reuse = Object.keys(lab.allocatedPorts).length > 0;
  const ports = reuse ? lab.allocatedPorts : worker.transferPortsToLab(session.id, lab.id);
  session.bindLab({ lab_record_id: lab.id, cml_lab_id: lab.labId, allocated_ports: ports });
  if (reuse) worker.releaseSessionPorts(session.id);
  else lab.assignPorts(ports);
  lab.attachSession(session.id);
}

/**
 * Decision 3 after a session transition: once it no longer holds capacity, the worker drops it
 * (its own ports included) and the lab becomes free for the next session. Idempotent.
 */
export function releaseSessionResources(
  session: LabletSession,
  worker: CmlWorker | null,
  lab: LabRecord | null,
): void {
  if (session.holdsCapacity) return;
  worker?.release(session.id);
  lab?.detachSession(session.id);
}

/**
 * A cold import registers its LabRecord before the import, attached to the session and listing
 * the session's reserved ports (decision 2); the binding moves the ports to the lab later. Once
 * the session holds no capacity without ever having taken that lab, the lab is let go: detached,
 * and its ports dropped with the session's reservation, which the worker released with the
 * session, unless the worker holds them for the lab itself (a binding whose worker write landed
 * and whose session write never did; the lab then keeps them until it is deleted). Idempotent.
 */
export function releaseUnboundLab(session: LabletSession, lab: LabRecord, worker: CmlWorker | null): void {
  if (session.holdsCapacity || session.labRecordId === lab.id || lab.activeSessionId !== session.id) return;
  lab.detachSession(session.id);
  if (!worker?.portsHeldBy(lab.id)) lab.releasePorts();
}
