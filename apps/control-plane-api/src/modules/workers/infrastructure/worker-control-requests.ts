import { z } from 'zod';
import { IsoDateTime, LicenseOperation, WorkerDiscoverLabsValue } from '@lcm/contracts';

/**
 * Requests CPA hands to the controllers through etcd that the worker's domain state does not
 * model: who asked for the desired status and why, a pending licence operation, a targeted lab
 * discovery, and when a refresh was last requested. Stored as a sidecar of the worker document.
 */
export const WorkerControlRequests = z.object({
  desired: z
    .object({ reason: z.string().nullable(), requested_by: z.string().nullable(), at: IsoDateTime })
    .nullable()
    .default(null),
  license: z
    .object({ operation: LicenseOperation, reregister: z.boolean(), requested_at: IsoDateTime })
    .nullable()
    .default(null),
  lab_discovery: WorkerDiscoverLabsValue.nullable().default(null),
  refresh_requested_at: IsoDateTime.nullable().default(null),
});
export type WorkerControlRequests = z.infer<typeof WorkerControlRequests>;
