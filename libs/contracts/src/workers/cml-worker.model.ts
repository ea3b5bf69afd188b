import { z } from 'zod';
import { Condition } from '../shared/condition';
import { DocumentBase, DocumentId } from '../shared/document';
import {
  CmlServiceStatus,
  CmlWorkerStatus,
  LicenseStatus,
  LicenseType,
  PauseReason,
  WorkerDesiredStatus,
  WorkerOrigin,
} from '../shared/enums';
import { Capacity, IsoDateTime, PortAllocation, StorableJsonObject } from '../shared/value-objects';

const Percent = z.number().min(0).max(100);
const Bytes = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();

/** EC2 facts reported by the worker-controller; cleared (IPs) when the worker stops. */
export const WorkerEc2Fields = z.object({
  aws_instance_id: z.string().min(1).nullable(),
  instance_type: z.string().min(1).nullable(),
  ami_id: z.string().min(1).nullable(),
  ami_name: z.string().nullable(),
  ami_description: z.string().nullable(),
  ami_creation_date: IsoDateTime.nullable(),
  public_ip: z.string().min(1).nullable(),
  private_ip: z.string().min(1).nullable(),
  aws_tags: z.record(z.string(), z.string()),
  ec2_instance_state_detail: z.string().nullable(),
  ec2_system_status_check: z.string().nullable(),
  ec2_last_checked_at: IsoDateTime.nullable(),
});
export type WorkerEc2Fields = z.infer<typeof WorkerEc2Fields>;

export const LicenseOperation = z.enum(['register', 'deregister']);
export type LicenseOperation = z.infer<typeof LicenseOperation>;

/** CML licence; the registration token itself is never returned, only whether one is stored. */
export const CmlLicense = z.object({
  status: LicenseStatus,
  has_token: z.boolean(),
  operation_in_progress: LicenseOperation.nullable(),
  expiry_date: IsoDateTime.nullable(),
  features: z.array(z.string()),
  raw_info: StorableJsonObject.nullable(),
});
export type CmlLicense = z.infer<typeof CmlLicense>;

export const CmlComputeStats = z.object({
  compute_id: z.string().min(1),
  hostname: z.string().nullable(),
  is_controller: z.boolean(),
  cpu_count: Count,
  cpu_utilization: Percent.nullable(),
  memory_total_bytes: Bytes,
  memory_used_bytes: Bytes.nullable(),
  disk_total_bytes: Bytes,
  disk_used_bytes: Bytes.nullable(),
});
export type CmlComputeStats = z.infer<typeof CmlComputeStats>;

export const CmlSystemInfo = z.object({
  cpu_count: Count,
  cpu_utilization: Percent.nullable(),
  memory_total_bytes: Bytes,
  disk_total_bytes: Bytes,
  allocated_cpus: Count,
  allocated_memory_bytes: Bytes,
  total_nodes: Count,
  running_nodes: Count,
  computes: z.array(CmlComputeStats),
});
export type CmlSystemInfo = z.infer<typeof CmlSystemInfo>;

export const CmlSystemHealth = z.object({
  valid: z.boolean(),
  is_licensed: z.boolean(),
  is_enterprise: z.boolean(),
});
export type CmlSystemHealth = z.infer<typeof CmlSystemHealth>;

/** Metrics read from the worker's CML API; null while the worker is not running. */
export const CmlMetrics = z.object({
  version: z.string().nullable(),
  ready: z.boolean(),
  uptime_seconds: z.number().nonnegative().nullable(),
  labs_count: Count,
  system_info: CmlSystemInfo.nullable(),
  system_health: CmlSystemHealth.nullable(),
  last_synced_at: IsoDateTime,
});
export type CmlMetrics = z.infer<typeof CmlMetrics>;

export const CloudWatchMetrics = z.object({
  cpu_utilization: Percent.nullable(),
  memory_utilization: Percent.nullable(),
  last_collected_at: IsoDateTime.nullable(),
  detailed_monitoring_enabled: z.boolean(),
  poll_interval_seconds: z.number().int().positive(),
  next_refresh_at: IsoDateTime.nullable(),
});
export type CloudWatchMetrics = z.infer<typeof CloudWatchMetrics>;

/** CML telemetry events that count as activity for idle detection (spec §7.2). */
export const WorkerActivityEventType = z.enum([
  'start_lab',
  'stop_lab',
  'wipe_lab',
  'import_lab',
  'export_lab',
  'start_node',
  'stop_node',
  'queue_node',
  'boot_node',
  'user_activity',
]);
export type WorkerActivityEventType = z.infer<typeof WorkerActivityEventType>;

export const WorkerActivityEvent = z.object({
  type: WorkerActivityEventType,
  at: IsoDateTime,
  user_id: z.string().nullable(),
  lab_id: z.string().nullable(),
});
export type WorkerActivityEvent = z.infer<typeof WorkerActivityEvent>;

export const MAX_RECENT_ACTIVITY_EVENTS = 10;

export const WorkerActivityFields = z.object({
  is_idle_detection_enabled: z.boolean(),
  last_activity_at: IsoDateTime.nullable(),
  last_activity_check_at: IsoDateTime.nullable(),
  recent_activity_events: z.array(WorkerActivityEvent).max(MAX_RECENT_ACTIVITY_EVENTS),
  next_idle_check_at: IsoDateTime.nullable(),
  target_pause_at: IsoDateTime.nullable(),
  auto_pause_count: Count,
  manual_pause_count: Count,
  auto_resume_count: Count,
  manual_resume_count: Count,
  last_paused_at: IsoDateTime.nullable(),
  last_resumed_at: IsoDateTime.nullable(),
  paused_by: z.string().nullable(),
  pause_reason: PauseReason.nullable(),
});
export type WorkerActivityFields = z.infer<typeof WorkerActivityFields>;

/** CMLWorker aggregate root (spec §3.5): one EC2 host running CML, the unit of capacity. */
export const CmlWorker = DocumentBase.extend({
  name: z.string().min(1),
  aws_region: z.string().min(1),
  template_id: DocumentId.nullable(),
  template_name: z.string().nullable(),
  origin: WorkerOrigin,
  created_by: z.string().nullable(),
  terminated_by: z.string().nullable(),
  terminated_at: IsoDateTime.nullable(),
  status: CmlWorkerStatus,
  service_status: CmlServiceStatus,
  desired_status: WorkerDesiredStatus,
  start_initiated_at: IsoDateTime.nullable(),
  stop_initiated_at: IsoDateTime.nullable(),
  /** null for an imported worker without template or explicit capacity: it is not placeable (decision 13). */
  declared_capacity: Capacity.nullable(),
  allocated_capacity: Capacity,
  available_capacity: Capacity.nullable(),
  license_type: LicenseType.nullable(),
  session_ids: z.array(DocumentId),
  port_range_start: z.number().int().min(1).max(65535),
  port_range_end: z.number().int().min(1).max(65535),
  port_allocations: z.array(PortAllocation),
  ...WorkerEc2Fields.shape,
  https_endpoint: z.url().nullable(),
  license: CmlLicense.nullable(),
  metrics: CmlMetrics.nullable(),
  cloudwatch: CloudWatchMetrics,
  ...WorkerActivityFields.shape,
  drain_started_at: IsoDateTime.nullable(),
  drain_reason: z.string().nullable(),
  drain_requested_by: z.string().nullable(),
  conditions: z.array(Condition),
});
export type CmlWorker = z.infer<typeof CmlWorker>;
