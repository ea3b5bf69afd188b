import { Inject, Injectable } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import {
  encodeEtcdValue,
  type EtcdEntityKeyKind,
  etcdKeys,
  etcdPrefixes,
  type EtcdValue,
  parseEtcdKey,
} from '@lcm/contracts';
import { type CmlWorkerState } from '@lcm/domain';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';
import { FencedProjection } from '../../../platform/etcd-projection/fenced-projection';
import { type EtcdProjector } from '../../../platform/etcd-projection/projection-registry';
import { CmlWorkerRepository } from './cml-worker.repository';
import { toCapacitySnapshot } from './cml-worker.views';
import { type WorkerControlRequests } from './worker-control-requests';

type WorkerKeyKind = Extract<EtcdEntityKeyKind, `worker${string}`>;

/** Every key of a live worker (spec §6), or null where the key must not exist. */
function workerKeys(
  state: CmlWorkerState,
  requests: WorkerControlRequests,
): { [K in WorkerKeyKind]: EtcdValue<K> | null } {
  const license = requests.license;
  return {
    workerDesired: {
      desired_status: state.desired_status,
      reason: requests.desired?.reason ?? null,
      requested_by: requests.desired?.requested_by ?? null,
      at: requests.desired?.at ?? state.updated_at,
    },
    workerActual: {
      status: state.status,
      service_status: state.service_status,
      ec2_state: state.ec2_instance_state_detail,
      ip: state.public_ip ?? state.private_ip,
      // Any committed change rewrites the key, so the worker-controller re-reads the worker.
      at: state.updated_at,
    },
    workerCapacity: toCapacitySnapshot(state),
    // Keyed by holder: sessions hold reservations, lab records the ports of their imported labs (decision 20).
    workerPorts: Object.fromEntries(
      state.port_allocations.map((allocation) => [allocation.holder_id, allocation.ports]),
    ),
    workerLicense: license
      ? {
          operation: license.operation,
          ...(license.operation === 'register' && state.license.token ? { token: state.license.token } : {}),
          reregister: license.reregister,
        }
      : null,
    workerDiscoverLabs: requests.lab_discovery,
  };
}

/**
 * The workers' etcd projection (spec §6, decision 18): desired, actual, capacity, ports, licence
 * and discover-labs keys from a committed worker, fenced by its version so that neither an
 * overlapping commit nor another replica's resync leaves an older value last; all keys of a
 * TERMINATED worker are deleted.
 */
@Injectable()
export class WorkersEtcdProjector implements EtcdProjector {
  readonly name = 'workers';
  private readonly projection: FencedProjection<CmlWorkerState>;

  constructor(
    @Inject(ETCD_CLIENT) etcd: Etcd3,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
  ) {
    this.projection = new FencedProjection(etcd, {
      kind: 'workers',
      prefix: etcdPrefixes.workers,
      entityPrefix: (id) => etcdPrefixes.worker(id),
      ownerOf: (key) => {
        const parsed = parseEtcdKey(key);
        return parsed && parsed.kind !== 'leader' ? parsed.id : null;
      },
      keysOf: (state) => {
        const keys = workerKeys(state, this.workers.sidecarOf(state));
        return new Map(
          (Object.keys(keys) as WorkerKeyKind[]).map((kind) => {
            const value = keys[kind];
            const encoded =
              value === null || state.status === 'TERMINATED' ? null : encodeEtcdValue(kind, value as never);
            return [etcdKeys[kind](state.id), encoded];
          }),
        );
      },
    });
  }

  project(state: CmlWorkerState): Promise<void> {
    return this.projection.write(state);
  }

  /** Rewrites the keys of every worker that differ from MongoDB and removes keys of workers that are gone or TERMINATED. */
  republishAll(): Promise<void> {
    return this.projection.republish(
      () => this.scan(),
      (ids) => this.workers.findStatesByIds(ids),
    );
  }

  /** One read of the whole collection, not keyset pages (why: SessionEtcdProjector.scan). */
  private async *scan(): AsyncIterable<CmlWorkerState[]> {
    yield await this.workers.scanStates({});
  }
}
