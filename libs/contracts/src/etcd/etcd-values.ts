import { z } from 'zod';
import { LabletSession } from '../sessions/lablet-session.model';
import { DocumentId } from '../shared/document';
import {
  CmlServiceStatus,
  CmlWorkerStatus,
  LabPendingAction,
  SessionDesiredStatus,
  WorkerDesiredStatus,
} from '../shared/enums';
import { IsoDateTime, PortMap } from '../shared/value-objects';
import { LicenseOperation } from '../workers/cml-worker.model';
import { WorkerCapacitySnapshot } from '../workers/worker-views.model';

// Values of the etcd projection (spec §6). CPA writes them from committed Mongo state (decision 18).

export const SessionStatusValue = LabletSession.pick({
  status: true,
  worker_id: true,
  definition_id: true,
  timeslot_start: true,
  timeslot_end: true,
  updated_at: true,
});
export type SessionStatusValue = z.infer<typeof SessionStatusValue>;

export const SessionPortsValue = PortMap;
export type SessionPortsValue = z.infer<typeof SessionPortsValue>;

/** Stored bare (e.g. `running`), not JSON-quoted. */
export const SessionDesiredStateValue = SessionDesiredStatus;
export type SessionDesiredStateValue = z.infer<typeof SessionDesiredStateValue>;

export const SessionObserveResourcesValue = z.object({
  lablet_session_id: DocumentId,
  requested_by: z.string().min(1),
  requested_at: IsoDateTime,
});
export type SessionObserveResourcesValue = z.infer<typeof SessionObserveResourcesValue>;

export const WorkerDesiredValue = z.object({
  desired_status: WorkerDesiredStatus,
  reason: z.string().nullable(),
  requested_by: z.string().nullable(),
  at: IsoDateTime,
});
export type WorkerDesiredValue = z.infer<typeof WorkerDesiredValue>;

export const WorkerActualValue = z.object({
  status: CmlWorkerStatus,
  service_status: CmlServiceStatus,
  ec2_state: z.string().nullable(),
  ip: z.string().nullable(),
  at: IsoDateTime,
});
export type WorkerActualValue = z.infer<typeof WorkerActualValue>;

export const WorkerCapacityValue = WorkerCapacitySnapshot;
export type WorkerCapacityValue = z.infer<typeof WorkerCapacityValue>;

/** lablet session id → its ports on the worker. */
export const WorkerPortsValue = z.record(z.string().min(1), PortMap);
export type WorkerPortsValue = z.infer<typeof WorkerPortsValue>;

export const WorkerLicenseValue = z.object({
  operation: LicenseOperation,
  token: z.string().min(1).optional(),
  reregister: z.boolean().optional(),
});
export type WorkerLicenseValue = z.infer<typeof WorkerLicenseValue>;

export const WorkerDiscoverLabsValue = z.object({
  lab_ids: z.array(z.string().min(1)),
  source: z.string().min(1),
  triggered_at: IsoDateTime,
});
export type WorkerDiscoverLabsValue = z.infer<typeof WorkerDiscoverLabsValue>;

export const LabPendingActionValue = z.object({
  action: LabPendingAction,
  lab_id: z.string().min(1),
  worker_id: DocumentId,
  requested_at: IsoDateTime,
});
export type LabPendingActionValue = z.infer<typeof LabPendingActionValue>;

export const DefinitionContentSyncValue = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  form_qualified_name: z.string().min(1),
  requested_by: z.string().min(1),
  requested_at: IsoDateTime,
});
export type DefinitionContentSyncValue = z.infer<typeof DefinitionContentSyncValue>;

/**
 * Who leads a controller, on the leader's lease: the replica and the admin URL through which the
 * control plane reaches it (scheduler views, trigger reconcile, resign).
 */
export const LeaderValue = z.object({
  replica_id: z.string().min(1),
  admin_url: z.url(),
  elected_at: IsoDateTime,
});
export type LeaderValue = z.infer<typeof LeaderValue>;
