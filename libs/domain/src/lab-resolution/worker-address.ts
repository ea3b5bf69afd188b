/** What a worker exposes to reach it. */
export interface WorkerEndpoints {
  public_ip: string | null;
  private_ip: string | null;
  https_endpoint: string | null;
}

/**
 * The address candidates and LCM reach a worker on (spec §7.3.4): its public IP, else its private
 * IP, else the host of its https endpoint; null when it has none yet.
 */
export function workerAddress(worker: WorkerEndpoints): string | null {
  if (worker.public_ip) return worker.public_ip;
  if (worker.private_ip) return worker.private_ip;
  if (!worker.https_endpoint) return null;
  try {
    return new URL(worker.https_endpoint).hostname || null;
  } catch {
    return null;
  }
}
