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
import { KeyedSerialQueue } from '../../../platform/keyed-serial-queue';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';
import { type EtcdProjector } from '../../projection/projection-registry';
import { CmlWorkerRepository } from './cml-worker.repository';
import { toCapacitySnapshot } from './cml-worker.views';
import { type WorkerControlRequests } from './worker-control-requests';

const REPUBLISH_PAGE = 200;

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
 * and discover-labs keys from the committed worker; all keys of a TERMINATED worker are deleted.
 * Writes for one worker are serialised in this process and always read the latest committed
 * document, so overlapping commits can never leave an older value last.
 */
@Injectable()
export class WorkersEtcdProjector implements EtcdProjector {
  readonly name = 'workers';
  private readonly queue = new KeyedSerialQueue();

  constructor(
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
  ) {}

  project(workerId: string): Promise<void> {
    return this.queue.run(workerId, () => this.write(workerId));
  }

  /** Rewrites the keys of every worker from MongoDB and removes keys of workers that are gone or TERMINATED. */
  async republishAll(): Promise<void> {
    const live = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.workers.findAllPage({ limit: REPUBLISH_PAGE, cursor });
      for (const state of page.items) {
        if (state.status !== 'TERMINATED') live.add(state.id);
        await this.writeState(state, this.workers.sidecarOf(state));
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const published = await this.etcd.getAll().prefix(etcdPrefixes.workers).keys();
    const stale = new Set(
      published.flatMap((key) => {
        const parsed = parseEtcdKey(key);
        return parsed && parsed.kind !== 'leader' && !live.has(parsed.id) ? [parsed.id] : [];
      }),
    );
    for (const id of stale) await this.etcd.delete().prefix(etcdPrefixes.worker(id));
  }

  private async write(workerId: string): Promise<void> {
    const state = await this.workers.findStateById(workerId);
    if (!state) return void (await this.etcd.delete().prefix(etcdPrefixes.worker(workerId)));
    await this.writeState(state, this.workers.sidecarOf(state));
  }

  private async writeState(state: CmlWorkerState, requests: WorkerControlRequests): Promise<void> {
    if (state.status === 'TERMINATED') {
      await this.etcd.delete().prefix(etcdPrefixes.worker(state.id));
      return;
    }
    const keys = workerKeys(state, requests);
    await Promise.all(
      (Object.keys(keys) as WorkerKeyKind[]).map((kind) => {
        const key = etcdKeys[kind](state.id);
        const value = keys[kind];
        return value === null
          ? this.etcd.delete().key(key).exec()
          : this.etcd
              .put(key)
              .value(encodeEtcdValue(kind, value as never))
              .exec();
      }),
    );
  }
}
