import { type Etcd3 } from 'etcd3';
import { encodeEtcdValue, etcdKeys, etcdPrefixes, parseEtcdKey } from '@lcm/contracts';
import { type LabletSessionState } from '@lcm/domain';
import { type EntityKeyLayout, FencedProjection } from '../../../platform/etcd-projection/fenced-projection';
import { type EtcdProjector } from '../../../platform/etcd-projection/projection-registry';
import { type LabletSessionRepository } from './session.repositories';

/** Keys of a TERMINATED session are removed once LC recorded its cleanup (spec §6). */
const keysRetired = (state: LabletSessionState): boolean =>
  state.status === 'TERMINATED' && state.cleanup_completed_at !== null;

const SESSION_KEYS: EntityKeyLayout<LabletSessionState> = {
  kind: 'sessions',
  prefix: etcdPrefixes.sessions,
  entityPrefix: (id) => etcdPrefixes.session(id),
  ownerOf: (key) => {
    const parsed = parseEtcdKey(key);
    return parsed && parsed.kind !== 'leader' ? parsed.id : null;
  },
  keysOf: (state) => {
    const retired = keysRetired(state);
    const hasPorts = Object.keys(state.allocated_ports).length > 0;
    return new Map([
      [
        etcdKeys.sessionStatus(state.id),
        retired
          ? null
          : encodeEtcdValue('sessionStatus', {
              status: state.status,
              worker_id: state.worker_id,
              definition_id: state.definition_id,
              timeslot_start: state.timeslot_start,
              timeslot_end: state.timeslot_end,
              updated_at: state.updated_at,
            }),
      ],
      [
        etcdKeys.sessionDesiredState(state.id),
        retired ? null : encodeEtcdValue('sessionDesiredState', state.desired_status),
      ],
      [
        etcdKeys.sessionPorts(state.id),
        retired || !hasPorts ? null : encodeEtcdValue('sessionPorts', state.allocated_ports),
      ],
    ]);
  },
};

/**
 * The sessions' etcd projection (spec §6, decision 18): `/lcm/sessions/{id}/status`, `/ports`,
 * `/desired_state`, written from a committed state and fenced by its version, so neither an
 * overlapping commit nor a resync of another replica leaves an older value last.
 */
export class SessionEtcdProjector implements EtcdProjector {
  readonly name = 'sessions';
  private readonly projection: FencedProjection<LabletSessionState>;

  constructor(
    etcd: Etcd3,
    private readonly sessions: LabletSessionRepository,
  ) {
    this.projection = new FencedProjection(etcd, SESSION_KEYS);
  }

  project(state: LabletSessionState): Promise<void> {
    return this.projection.write(state);
  }

  /** Projects the states of one commit together (FencedProjection.writeAll). */
  projectAll(states: readonly LabletSessionState[]): Promise<void> {
    return this.projection.writeAll(states);
  }

  /** Rewrites every session key that differs from MongoDB and removes keys of sessions that are gone or cleaned up. */
  republishAll(): Promise<void> {
    return this.projection.republish(
      () => this.scan(),
      (ids) => this.sessions.findStatesByIds(ids),
    );
  }

  /**
   * One read of the whole collection, not pages: FerretDB cannot serve `_id > x` with a limit from
   * an index, so every page was a full scan, and such a limited scan leaves its PostgreSQL
   * connection busy until the pool runs dry and the store stops answering (seen with 10,000
   * sessions: docs/decisions/store.md).
   */
  private async *scan(): AsyncIterable<LabletSessionState[]> {
    yield await this.sessions.scanStates({});
  }
}
