import {
  decodeEtcdValue,
  etcdKeys,
  etcdPrefixes,
  parseEtcdKey,
  type WorkerLicenseValue,
} from '@lcm/contracts';
import { isNotFoundError } from '@lcm/cpa-client';
import { type CmlPort } from '@lcm/integrations/cml';
import { isConflict, isIntegrationError } from '@lcm/integrations/http';
import { type Etcd3 } from 'etcd3';
import {
  done,
  EtcdPrefixSource,
  type KeySource,
  ListSource,
  type Reconciler,
  type ReconcileResult,
  requeueAfter,
} from '@lcm/reconciler-runtime';
import { listAll } from '../operations/paging';
import { type WorkerControllerDeps } from '../operations/worker-context';

/** CML registers asynchronously; CML-API.md: poll the licensing state for up to 90 s. */
const REGISTRATION_TIMEOUT_MS = 90_000;
const REGISTRATION_POLL_MS = 2_000;

export function workerLicenseSources(
  deps: Pick<WorkerControllerDeps, 'cpa' | 'logger'>,
  etcd: Etcd3,
): KeySource[] {
  return [
    new EtcdPrefixSource({
      name: 'license-keys',
      etcd,
      prefix: etcdPrefixes.workers,
      logger: deps.logger,
      keyOf: (key, value) => {
        const parsed = parseEtcdKey(key);
        return parsed?.kind === 'workerLicense' && value !== null ? parsed.id : null;
      },
    }),
    new ListSource('license-operations', async () =>
      (await listAll((query) => deps.cpa.workers.list({ query })))
        .filter((worker) => worker.license?.operation_in_progress)
        .map((worker) => worker.id),
    ),
  ];
}

/** The pending licence operation of a worker as CPA put it into etcd (the token is only there, never in the API). */
export function etcdLicenseRequests(etcd: Etcd3): (workerId: string) => Promise<WorkerLicenseValue | null> {
  return async (workerId) => {
    const raw = await etcd.get(etcdKeys.workerLicense(workerId)).string();
    return raw === null ? null : decodeEtcdValue('workerLicense', raw);
  };
}

/**
 * Executes the licence register/deregister an operator requested (`/lcm/workers/{id}/license`) on
 * the worker's CML and reports the outcome through the internal API, which clears the request.
 */
export class WorkerLicenseReconciler implements Reconciler {
  readonly name = 'worker-license';
  /** Registrations this replica issued and is waiting for (CML finishes them asynchronously). */
  private readonly issued = new Map<string, number>();

  constructor(
    private readonly deps: WorkerControllerDeps,
    /** The pending request of a worker (etcdLicenseRequests in the process, a map in unit tests). */
    private readonly readRequest: (workerId: string) => Promise<WorkerLicenseValue | null>,
    readonly sources: readonly KeySource[],
  ) {}

  async reconcile(workerId: string): Promise<ReconcileResult> {
    const { deps } = this;
    const request = await this.readRequest(workerId);
    if (!request) {
      this.issued.delete(workerId);
      return done();
    }
    let worker;
    try {
      worker = await deps.cpa.workers.get({ params: { worker_id: workerId } });
    } catch (error) {
      if (isNotFoundError(error)) return done();
      throw error;
    }
    if (worker.status === 'PROVISIONING' || worker.status === 'STARTING' || worker.status === 'PENDING')
      return requeueAfter(deps.settings.transitionPollMs, 'worker_starting');
    const cml =
      worker.status === 'RUNNING' || worker.status === 'DRAINING' ? deps.cml.forWorker(worker) : null;
    if (!cml)
      return this.complete(workerId, request, false, `worker is ${worker.status}; CML is not reachable`);
    try {
      if (request.operation === 'deregister') {
        try {
          await cml.client.deregisterLicense();
        } catch (error) {
          if (!isConflict(error)) throw error; // already deregistered: the goal holds
        }
        return this.complete(workerId, request, true);
      }
      return await this.register(workerId, request, cml.client);
    } catch (error) {
      if (isIntegrationError(error) && (error.kind === 'invalid' || error.kind === 'unauthorized')) {
        return this.complete(workerId, request, false, error.message);
      }
      throw error;
    }
  }

  private async register(
    workerId: string,
    request: WorkerLicenseValue,
    cml: CmlPort,
  ): Promise<ReconcileResult> {
    const issuedAt = this.issued.get(workerId);
    if (issuedAt === undefined) {
      if (!request.token) return this.complete(workerId, request, false, 'no registration token stored');
      if (!request.reregister && (await cml.getLicensing()).registration?.status === 'COMPLETED')
        return this.complete(workerId, request, true);
      try {
        await cml.registerLicense(request.token, request.reregister ?? false);
      } catch (error) {
        if (!isConflict(error)) throw error; // a registration already in progress: wait for it
      }
      this.issued.set(workerId, this.deps.now().getTime());
      return requeueAfter(REGISTRATION_POLL_MS, 'registering');
    }
    return this.pollRegistration(workerId, request, cml, issuedAt);
  }

  private async pollRegistration(
    workerId: string,
    request: WorkerLicenseValue,
    cml: CmlPort,
    issuedAt: number,
  ): Promise<ReconcileResult> {
    const status = (await cml.getLicensing()).registration?.status?.toUpperCase() ?? '';
    if (status === 'COMPLETED') return this.complete(workerId, request, true);
    if (['FAILED', 'EXPIRED', 'RETRY_FAILED'].includes(status))
      return this.complete(workerId, request, false, `registration ${status}`);
    if (this.deps.now().getTime() - issuedAt > REGISTRATION_TIMEOUT_MS)
      return this.complete(
        workerId,
        request,
        false,
        `registration still ${status || 'pending'} after ${REGISTRATION_TIMEOUT_MS / 1000} s`,
      );
    return requeueAfter(REGISTRATION_POLL_MS, 'registering');
  }

  private async complete(
    workerId: string,
    request: WorkerLicenseValue,
    succeeded: boolean,
    errorMessage?: string,
  ): Promise<ReconcileResult> {
    await this.deps.cpa.workers.completeLicenseOperation({
      params: { worker_id: workerId },
      body: {
        operation: request.operation,
        succeeded,
        ...(errorMessage ? { error_message: errorMessage } : {}),
      },
    });
    this.issued.delete(workerId);
    this.deps.decisions.record('license', `${request.operation}:${succeeded ? 'succeeded' : 'failed'}`, {
      worker_id: workerId,
      error: errorMessage,
    });
    return done();
  }
}
