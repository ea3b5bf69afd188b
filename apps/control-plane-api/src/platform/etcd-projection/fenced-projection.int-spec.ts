import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { type Db, MongoClient } from 'mongodb';
import { decodeEtcdValue, etcdKeys } from '@lcm/contracts';
import { type LabletSessionState, SystemClock } from '@lcm/domain';
import { aSession, infraEndpoints, PrivateEtcd } from '@lcm/testing';
import { SessionEtcdProjector } from '../../modules/sessions/infrastructure/sessions.etcd-projector';
import { LabletSessionRepository } from '../../modules/sessions/infrastructure/session.repositories';

/**
 * The periodic republish against writers that commit while it scans (docs/decisions/etcd-projection-fencing.md):
 * replica B resyncs while replica A creates and changes sessions between B's MongoDB scan and
 * B's writes and sweep. A spy on the repository's scan places those commits deterministically.
 */
describe('fenced etcd projection', () => {
  let etcdServer: PrivateEtcd;
  let etcd: Etcd3;
  let mongo: MongoClient;
  let db: Db;
  let sessions: LabletSessionRepository;
  let replicaA: SessionEtcdProjector;
  let replicaB: SessionEtcdProjector;
  const clock = new SystemClock();

  const statusOf = async (id: string) => {
    const raw = await etcd.get(etcdKeys.sessionStatus(id)).string();
    return raw === null ? null : decodeEtcdValue('sessionStatus', raw).status;
  };

  /** A committed new session, projected by replica A as its command would. */
  const created = async (): Promise<LabletSessionState> => {
    const { state } = await sessions.save(
      aSession().with({ id: randomUUID(), definition_id: randomUUID(), version: 0 }).build(),
    );
    await replicaA.project(state);
    return state;
  };

  /** A committed termination of the session, projected by replica A. */
  const terminated = async (id: string): Promise<LabletSessionState> => {
    const session = await sessions.getById(id);
    session.terminate({ reason: 'operator', terminated_by: 'ops' });
    const { state } = await sessions.save(session);
    await replicaA.project(state);
    return state;
  };

  beforeAll(async () => {
    etcdServer = await PrivateEtcd.start();
    etcd = new Etcd3({ hosts: [etcdServer.endpoint] });
    mongo = await MongoClient.connect(infraEndpoints().mongoUrl);
    db = mongo.db(`lcm_fence_${randomUUID().slice(0, 8)}`);
    sessions = new LabletSessionRepository(db, clock);
    replicaA = new SessionEtcdProjector(etcd, sessions);
    replicaB = new SessionEtcdProjector(etcd, sessions);
  }, 60_000);

  afterAll(async () => {
    await db?.dropDatabase();
    await mongo?.close();
    etcd?.close();
    await etcdServer?.destroy();
  });

  afterEach(() => jest.restoreAllMocks());

  it('keeps the keys of a session created while another replica scans, and never writes back what it scanned', async () => {
    const changedDuringScan = await created();
    let createdDuringScan: LabletSessionState | undefined;
    const scan = sessions.scanStates.bind(sessions);
    jest.spyOn(sessions, 'scanStates').mockImplementationOnce(async (...args) => {
      const scanned = await scan(...args);
      createdDuringScan = await created();
      await terminated(changedDuringScan.id);
      return scanned;
    });

    await replicaB.republishAll();

    expect(createdDuringScan).toBeDefined();
    expect(await statusOf(createdDuringScan!.id)).toBe('PENDING');
    expect(await statusOf(changedDuringScan.id)).toBe('TERMINATED');
  });

  it('ignores a commit projected late by a slower writer', async () => {
    const first = await created();
    const newer = await terminated(first.id);
    await replicaB.project(first);
    expect(await statusOf(first.id)).toBe('TERMINATED');
    expect(newer.version).toBeGreaterThan(first.version);
  });

  it('sweeps keys nothing in MongoDB backs and repairs keys deleted by hand', async () => {
    const ghost = randomUUID();
    await etcd.put(etcdKeys.sessionDesiredState(ghost)).value('running');
    const kept = await created();
    await etcd.delete().key(etcdKeys.sessionStatus(kept.id));

    await replicaB.republishAll();

    expect(await etcd.get(etcdKeys.sessionDesiredState(ghost)).string()).toBeNull();
    expect(await statusOf(kept.id)).toBe('PENDING');
  });

  it('projects the states of one commit together, each still fenced: a newer one stays, a first one gets its fence', async () => {
    const [older, current] = [await created(), await created()];
    const newer = await terminated(older.id);
    const first = (
      await sessions.save(
        aSession().with({ id: randomUUID(), definition_id: randomUUID(), version: 0 }).build(),
      )
    ).state;

    // `older` is stale (etcd holds its termination) and `first` has no fence yet: the combined write falls back per state.
    await replicaB.projectAll([
      older,
      { ...current, status: 'SCHEDULED', version: current.version + 1 },
      first,
    ]);

    expect(await statusOf(older.id)).toBe(newer.status);
    expect(await statusOf(current.id)).toBe('SCHEDULED');
    expect(await statusOf(first.id)).toBe('PENDING');

    const moved = [first, current].map((state) => ({
      ...state,
      status: 'INSTANTIATING' as const,
      version: state.version + 2,
    }));
    await replicaB.projectAll(moved);
    expect(await Promise.all(moved.map((state) => statusOf(state.id)))).toEqual([
      'INSTANTIATING',
      'INSTANTIATING',
    ]);
  });
});
