import { z } from 'zod';
import { DocumentId } from '../shared/document';
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

export const WorkerIdleStatus = CmlWorker.pick({ last_activity_at: true, target_pause_at: true, next_idle_check_at: true }).extend({
  worker_id: DocumentId,
  is_idle: z.boolean(),
  /** Idle, detection enabled globally and on the worker, not snoozed after a resume, and RUNNING. */
  eligible_for_pause: z.boolean(),
  snoozed_until: IsoDateTime.nullable(),
});
export type WorkerIdleStatus = z.infer<typeof WorkerIdleStatus>;

export const WorkerRequestAccepted = z.object({ worker_id: DocumentId, requested_at: IsoDateTime });
export type WorkerRequestAccepted = z.infer<typeof WorkerRequestAccepted>;
