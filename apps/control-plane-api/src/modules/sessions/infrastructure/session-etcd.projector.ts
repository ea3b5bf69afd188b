import { type Etcd3 } from 'etcd3';
import { encodeEtcdValue, etcdKeys, etcdPrefixes, parseEtcdKey } from '@lcm/contracts';
import { type LabletSessionState } from '@lcm/domain';
import { KeyedSerialQueue } from '../../../platform/keyed-serial-queue';
import { type EtcdProjector } from '../../projection/projection-registry';
import { type WorkersEtcdProjector } from '../../workers/infrastructure/workers.etcd-projector';
import { type LabletSessionRepository } from './session.repositories';

const REPUBLISH_BATCH = 500;

/** Keys of a TERMINATED session are removed once LC recorded its cleanup (spec §6). */
const keysRetired = (state: LabletSessionState): boolean =>
  state.status === 'TERMINATED' && state.cleanup_completed_at !== null;

/**
 * The sessions' etcd projection (spec §6, decision 18): `/lcm/sessions/{id}/status`, `/ports`,
 * `/desired_state`, plus the capacity and ports keys of the worker a session command changed.
 * Every write is derived from the state MongoDB holds when the write runs (re-read, not the
 * caller's copy), and writes for one entity are serialised in this process, so the last write
 * always reflects the latest committed state even when commits overlap.
 */
export class SessionEtcdProjector implements EtcdProjector {
  readonly name = 'sessions';
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly etcd: Etcd3,
    private readonly sessions: LabletSessionRepository,
    private readonly workers: WorkersEtcdProjector,
  ) {}

  projectSession(id: string): Promise<void> {
    return this.queue.run(id, async () => {
      const state = await this.sessions.findStateById(id);
      await (state ? this.writeSession(state) : this.deleteSession(id));
    });
  }

  /** The worker's capacity and ports keys after a session command allocated or released on it. */
  projectWorker(id: string): Promise<void> {
    return this.workers.project(id);
  }

  /** Rewrites every session key from MongoDB and removes keys of sessions that are gone or cleaned up. */
  async republishAll(): Promise<void> {
    const live = new Set<string>();
    let after = '';
    for (;;) {
      const batch = await this.sessions.findStates({ _id: { $gt: after } }, { _id: 1 }, REPUBLISH_BATCH);
      for (const state of batch) {
        if (keysRetired(state)) continue;
        live.add(state.id);
        await this.writeSession(state);
      }
      const last = batch.at(-1);
      if (!last || batch.length < REPUBLISH_BATCH) break;
      after = last.id;
    }
    const published = await this.etcd.getAll().prefix(etcdPrefixes.sessions).keys();
    const stale = new Set(
      published
        .map((key) => parseEtcdKey(key))
        .flatMap((parsed) => (parsed && parsed.kind !== 'leader' ? [parsed.id] : []))
        .filter((id) => !live.has(id)),
    );
    for (const id of stale) await this.deleteSession(id);
  }

  private async writeSession(state: LabletSessionState): Promise<void> {
    if (keysRetired(state)) return this.deleteSession(state.id);
    const status = encodeEtcdValue('sessionStatus', {
      status: state.status,
      worker_id: state.worker_id,
      definition_id: state.definition_id,
      timeslot_start: state.timeslot_start,
      timeslot_end: state.timeslot_end,
      updated_at: state.updated_at,
    });
    const writes: Promise<unknown>[] = [
      this.etcd.put(etcdKeys.sessionStatus(state.id)).value(status).exec(),
      this.etcd
        .put(etcdKeys.sessionDesiredState(state.id))
        .value(encodeEtcdValue('sessionDesiredState', state.desired_status))
        .exec(),
    ];
    const portsKey = etcdKeys.sessionPorts(state.id);
    writes.push(
      Object.keys(state.allocated_ports).length > 0
        ? this.etcd.put(portsKey).value(encodeEtcdValue('sessionPorts', state.allocated_ports)).exec()
        : this.etcd.delete().key(portsKey).exec(),
    );
    await Promise.all(writes);
  }

  private async deleteSession(id: string): Promise<void> {
    await this.etcd.delete().prefix(etcdPrefixes.session(id));
  }
}
