import { z } from 'zod';

// Every enumeration of the spec (§3, §4), as zod enums so the same list validates REST bodies,
// etcd values and CloudEvents. `X.options` gives the array; `X` the schema; `X` type the union.

export const LabletSessionStatus = z.enum([
  'PENDING',
  'SCHEDULED',
  'INSTANTIATING',
  'READY',
  'RUNNING',
  'COLLECTING',
  'GRADING',
  'STOPPING',
  'STOPPED',
  'ARCHIVED',
  'EXPIRED',
  'TERMINATED',
]);
export type LabletSessionStatus = z.infer<typeof LabletSessionStatus>;

export const SessionDesiredStatus = z.enum(['running', 'stopped', 'terminated']);
export type SessionDesiredStatus = z.infer<typeof SessionDesiredStatus>;

export const ExpiryReason = z.enum(['timeslot_missed', 'no_show']);
export type ExpiryReason = z.infer<typeof ExpiryReason>;

export const GradeResult = z.enum(['pass', 'fail']);
export type GradeResult = z.infer<typeof GradeResult>;

export const LabRecordStatus = z.enum([
  'DISCOVERED',
  'IMPORTING',
  'DEFINED',
  'STARTING',
  'QUEUED',
  'BOOTED',
  'PAUSED',
  'STOPPING',
  'STOPPED',
  'WIPING',
  'WIPED',
  'DELETING',
  'DELETED',
  'ARCHIVED',
  'ERROR',
  'ORPHANED',
]);
export type LabRecordStatus = z.infer<typeof LabRecordStatus>;

export const LabPendingAction = z.enum(['start', 'stop', 'wipe', 'delete']);
export type LabPendingAction = z.infer<typeof LabPendingAction>;

export const LabRecordSource = z.enum(['discovery', 'import', 'clone']);
export type LabRecordSource = z.infer<typeof LabRecordSource>;

export const RevisionAuthor = z.enum(['discovery', 'import', 'user', 'system']);
export type RevisionAuthor = z.infer<typeof RevisionAuthor>;

export const RuntimeEnvironmentType = z.enum(['CML', 'K8S', 'POD', 'BARE_METAL']);
export type RuntimeEnvironmentType = z.infer<typeof RuntimeEnvironmentType>;

export const CmlWorkerStatus = z.enum([
  'PENDING',
  'PROVISIONING',
  'STARTING',
  'RUNNING',
  'DRAINING',
  'STOPPING',
  'STOPPED',
  'SHUTTING_DOWN',
  'TERMINATED',
  'FAILED',
  'UNKNOWN',
]);
export type CmlWorkerStatus = z.infer<typeof CmlWorkerStatus>;

export const WorkerDesiredStatus = z.enum(['running', 'stopped', 'terminated']);
export type WorkerDesiredStatus = z.infer<typeof WorkerDesiredStatus>;

export const CmlServiceStatus = z.enum(['UNAVAILABLE', 'STARTING', 'AVAILABLE', 'ERROR']);
export type CmlServiceStatus = z.infer<typeof CmlServiceStatus>;

export const LicenseStatus = z.enum(['UNREGISTERED', 'REGISTERED', 'EVALUATION', 'EXPIRED', 'INVALID']);
export type LicenseStatus = z.infer<typeof LicenseStatus>;

export const LicenseType = z.enum(['PERSONAL', 'ENTERPRISE', 'EVALUATION']);
export type LicenseType = z.infer<typeof LicenseType>;

export const WorkerOrigin = z.enum(['user_created', 'scale_up', 'ec2_discovery', 'unknown']);
export type WorkerOrigin = z.infer<typeof WorkerOrigin>;

export const PauseReason = z.enum(['idle_timeout', 'manual', 'external']);
export type PauseReason = z.infer<typeof PauseReason>;

export const UserSessionStatus = z.enum([
  'PROVISIONING',
  'PROVISIONED',
  'ACTIVE',
  'PAUSED',
  'ENDED',
  'EXPIRED',
  'FAULTED',
]);
export type UserSessionStatus = z.infer<typeof UserSessionStatus>;

export const GradingStatus = z.enum([
  'PENDING',
  'COLLECTING',
  'GRADING',
  'REVIEWING',
  'SUBMITTED',
  'FAULTED',
]);
export type GradingStatus = z.infer<typeof GradingStatus>;

export const DefinitionStatus = z.enum([
  'pending_sync',
  'active',
  'inactive',
  'deprecated',
  'archived',
  'deleted',
]);
export type DefinitionStatus = z.infer<typeof DefinitionStatus>;

export const DeviceProtocol = z.enum([
  'ssh',
  'telnet',
  'vnc',
  'web',
  'console',
  'serial',
  'http',
  'https',
  'rdp',
]);
export type DeviceProtocol = z.infer<typeof DeviceProtocol>;

export const Role = z.enum(['admin', 'manager', 'user']);
export type Role = z.infer<typeof Role>;

export const PipelineStepStatus = z.enum(['pending', 'running', 'completed', 'failed', 'skipped']);
export type PipelineStepStatus = z.infer<typeof PipelineStepStatus>;

export const ControllerName = z.enum(['resource-scheduler', 'worker-controller', 'lablet-controller']);
export type ControllerName = z.infer<typeof ControllerName>;

/** Kinds of document an audit entry or an SSE event can be about. */
export const AggregateType = z.enum([
  'lablet_session',
  'user_session',
  'grading_session',
  'score_report',
  'lab_record',
  'cml_worker',
  'worker_template',
  'lablet_definition',
  'system_settings',
]);
export type AggregateType = z.infer<typeof AggregateType>;
