import { z } from 'zod';
import { DocumentId } from '../shared/document';
import { CmlServiceStatus, CmlWorkerStatus } from '../shared/enums';
import { Capacity, IsoDateTime, PortAllocation, PortRange } from '../shared/value-objects';
import { CmlWorker, WorkerActivityFields } from './cml-worker.model';

/** Capacity of one worker as the scheduler needs it; also the value of `/lcm/workers/{id}/capacity`. */
export const WorkerCapacitySnapshot = z.object({
  worker_id: DocumentId,
  declared_capacity: Capacity,
  allocated_capacity: Capacity,
  available_capacity: Capacity,
  assigned_instance_count: z.number().int().nonnegative(),
  updated_at: IsoDateTime,
});
export type WorkerCapacitySnapshot = z.infer<typeof WorkerCapacitySnapshot>;

export const WorkerPorts = z.object({
  worker_id: DocumentId,
  port_range: PortRange,
  allocations: z.array(PortAllocation),
  free_count: z.number().int().nonnegative(),
});
export type WorkerPorts = z.infer<typeof WorkerPorts>;

export const WorkerActivity = WorkerActivityFields.extend({ worker_id: DocumentId });
export type WorkerActivity = z.infer<typeof WorkerActivity>;

export const WorkerIdleStatus = CmlWorker.pick({
  last_activity_at: true,
  target_pause_at: true,
  next_idle_check_at: true,
}).extend({
  worker_id: DocumentId,
  is_idle: z.boolean(),
  /** Idle, detection enabled globally and on the worker, not snoozed after a resume, and RUNNING. */
  eligible_for_pause: z.boolean(),
  snoozed_until: IsoDateTime.nullable(),
});
export type WorkerIdleStatus = z.infer<typeof WorkerIdleStatus>;

export const WorkerRequestAccepted = z.object({ worker_id: DocumentId, requested_at: IsoDateTime });
export type WorkerRequestAccepted = z.infer<typeof WorkerRequestAccepted>;

const CapacityUse = z.object({
  declared: Capacity,
  allocated: Capacity,
  available: Capacity,
});

/** One worker's line of the fleet capacity page (spec §9 Capacity): allocation per dimension. */
export const WorkerCapacityLine = CapacityUse.extend({
  worker_id: DocumentId,
  name: z.string(),
  aws_region: z.string(),
  status: CmlWorkerStatus,
  service_status: CmlServiceStatus,
  /** Allocated ÷ declared per dimension, 0..1; null where the worker declares none of it. */
  utilisation: z.object({
    cpu_cores: z.number().nullable(),
    memory_gb: z.number().nullable(),
    storage_gb: z.number().nullable(),
    max_nodes: z.number().nullable(),
  }),
  session_count: z.number().int().nonnegative(),
});
export type WorkerCapacityLine = z.infer<typeof WorkerCapacityLine>;

/**
 * Fleet capacity (FR-2.4.3, spec §9 Capacity): totals over the workers that can take sessions
 * (RUNNING and AVAILABLE), per region, and a line per non-terminated worker. Workers without
 * declared capacity (decision 13) are listed but count for nothing.
 */
export const CapacitySummary = z.object({
  placeable: CapacityUse.extend({ worker_count: z.number().int().nonnegative() }),
  by_region: z.array(
    CapacityUse.extend({ aws_region: z.string(), worker_count: z.number().int().nonnegative() }),
  ),
  workers: z.array(WorkerCapacityLine),
  /** True when the fleet has more non-terminated workers than one summary lists. */
  truncated: z.boolean(),
  generated_at: IsoDateTime,
});
export type CapacitySummary = z.infer<typeof CapacitySummary>;

export const CapacitySummaryQuery = z.object({ aws_region: z.string().min(1).optional() }).strict();
