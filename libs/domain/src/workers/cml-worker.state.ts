import {
  Capacity,
  CmlServiceStatus,
  CmlWorkerStatus,
  IsoDateTime,
  LicenseStatus,
  LicenseType,
  PauseReason,
  PortAllocation,
  StatusHistoryEntry,
  WorkerDesiredStatus,
  WorkerOrigin,
} from '@lcm/contracts';
import { z } from 'zod';

const nullableDate = IsoDateTime.nullable().default(null);
const nullableString = z.string().nullable().default(null);
const nullableNumber = z.number().nullable().default(null);

/** Capacity held by one session, kept so release is exact and idempotent. */
export const CapacityAllocation = z.object({
  session_id: z.string().min(1),
  capacity: Capacity,
  allocated_at: IsoDateTime,
});
export type CapacityAllocation = z.infer<typeof CapacityAllocation>;

export const WorkerLicense = z.object({
  status: LicenseStatus.nullable().default(null),
  token: nullableString,
  operation_in_progress: z.boolean().default(false),
  expiry_date: nullableDate,
  features: z.array(z.string()).default([]),
  raw_info: z.record(z.string(), z.unknown()).nullable().default(null),
});
export type WorkerLicense = z.infer<typeof WorkerLicense>;

export const WorkerMetrics = z.object({
  version: nullableString,
  ready: z.boolean().default(false),
  uptime_seconds: nullableNumber,
  labs_count: nullableNumber,
  system_info: z.record(z.string(), z.unknown()).nullable().default(null),
  system_health: z
    .object({ valid: z.boolean(), is_licensed: z.boolean(), is_enterprise: z.boolean() })
    .nullable()
    .default(null),
  last_synced_at: nullableDate,
});
export type WorkerMetrics = z.infer<typeof WorkerMetrics>;

export const WorkerCloudWatch = z.object({
  cpu_utilization: nullableNumber,
  memory_utilization: nullableNumber,
  last_collected_at: nullableDate,
  detailed_monitoring_enabled: z.boolean().default(false),
  poll_interval_seconds: nullableNumber,
  next_refresh_at: nullableDate,
});
export type WorkerCloudWatch = z.infer<typeof WorkerCloudWatch>;

export const WorkerActivity = z.object({
  is_idle_detection_enabled: z.boolean().default(true),
  last_activity_at: nullableDate,
  last_activity_check_at: nullableDate,
  recent_activity_events: z
    .array(z.object({ type: z.string(), at: IsoDateTime, user_id: nullableString }))
    .max(10)
    .default([]),
  next_idle_check_at: nullableDate,
  target_pause_at: nullableDate,
  auto_pause_count: z.number().int().nonnegative().default(0),
  manual_pause_count: z.number().int().nonnegative().default(0),
  auto_resume_count: z.number().int().nonnegative().default(0),
  manual_resume_count: z.number().int().nonnegative().default(0),
  last_paused_at: nullableDate,
  last_resumed_at: nullableDate,
  paused_by: nullableString,
  pause_reason: PauseReason.nullable().default(null),
});
export type WorkerActivity = z.infer<typeof WorkerActivity>;

/** Persisted shape of a CMLWorker (spec §3.5). */
export const CmlWorkerState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  // identity
  name: z.string().min(1),
  aws_region: z.string().min(1),
  template_id: nullableString,
  template_name: nullableString,
  origin: WorkerOrigin.default('unknown'),
  created_by: nullableString,
  terminated_by: nullableString,
  terminated_at: nullableDate,
  termination_reason: nullableString,
  // status
  status: CmlWorkerStatus,
  status_history: z.array(StatusHistoryEntry).default([]),
  service_status: CmlServiceStatus.default('UNAVAILABLE'),
  desired_status: WorkerDesiredStatus.default('running'),
  start_initiated_at: nullableDate,
  stop_initiated_at: nullableDate,
  failure_reason: nullableString,
  // capacity
  declared_capacity: Capacity.nullable().default(null),
  allocated_capacity: Capacity.default({ cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 }),
  capacity_allocations: z.array(CapacityAllocation).default([]),
  license_type: LicenseType.nullable().default(null),
  // sessions, ports
  session_ids: z.array(z.string()).default([]),
  port_range_start: z.number().int().min(1).max(65535).default(2000),
  port_range_end: z.number().int().min(1).max(65535).default(7999),
  port_allocations: z.array(PortAllocation).default([]),
  // EC2
  aws_instance_id: nullableString,
  instance_type: nullableString,
  ami_id: nullableString,
  ami_name: nullableString,
  ami_description: nullableString,
  ami_creation_date: nullableString,
  public_ip: nullableString,
  private_ip: nullableString,
  aws_tags: z.record(z.string(), z.string()).default({}),
  ec2_instance_state_detail: nullableString,
  ec2_system_status_check: nullableString,
  ec2_last_checked_at: nullableDate,
  // CML
  https_endpoint: nullableString,
  license: WorkerLicense.default(WorkerLicense.parse({})),
  metrics: WorkerMetrics.default(WorkerMetrics.parse({})),
  // CloudWatch, activity
  cloudwatch: WorkerCloudWatch.default(WorkerCloudWatch.parse({})),
  activity: WorkerActivity.default(WorkerActivity.parse({})),
  // drain
  drain_started_at: nullableDate,
  drain_reason: nullableString,
  drain_requested_by: nullableString,
});
export type CmlWorkerState = z.infer<typeof CmlWorkerState>;
export type CmlWorkerStateInput = z.input<typeof CmlWorkerState>;
