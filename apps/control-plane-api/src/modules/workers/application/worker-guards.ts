import { type CmlWorker } from '@lcm/domain';
import { ApiError } from '../../../platform/http/api-error';

/** Requests to a TERMINATED worker have nobody left to carry them out. */
export function assertNotTerminated(worker: CmlWorker, action: string): void {
  if (worker.status === 'TERMINATED')
    throw new ApiError('CONFLICT', `worker ${worker.id} is TERMINATED; cannot ${action}`);
}
