import { type CmlWorkerState } from '@lcm/domain';
import { notFound } from '../../../platform/http/api-error';
import { type CmlWorkerRepository } from '../infrastructure/cml-worker.repository';

/** The stored worker, or the 404 problem every worker view answers with. */
export async function storedWorker(workers: CmlWorkerRepository, workerId: string): Promise<CmlWorkerState> {
  const state = await workers.findStateById(workerId);
  if (!state) throw notFound('worker', workerId);
  return state;
}
