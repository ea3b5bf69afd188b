import { Etcd3 } from 'etcd3';
import { decodeEtcdValue, etcdKeys } from '@lcm/contracts';
import { createLogger } from '@lcm/observability';
import { PrivateEtcd, waitFor } from '@lcm/testing';
import { LeaderElection } from './leader-election';

const logger = createLogger({ service: 'leader-election-test', level: 'silent' });
const TTL_SECONDS = 2;

describe('LeaderElection on a real etcd', () => {
  let etcd: PrivateEtcd;
  const clients: Etcd3[] = [];
  const elections: LeaderElection[] = [];

  const replica = (id: string, options: { resignHoldOffMs?: number } = {}) => {
    const client = new Etcd3({ hosts: etcd.endpoint, dialTimeout: 1_000 });
    clients.push(client);
    const election = new LeaderElection({
      etcd: client,
      controller: 'resource-scheduler',
      replicaId: id,
      adminUrl: () => `http://127.0.0.1:9${id.length}81`,
      ttlSeconds: TTL_SECONDS,
      logger,
      ...options,
    });
    const changes: boolean[] = [];
    election.onChange((leading) => changes.push(leading));
    elections.push(election);
    return { election, client, changes };
  };

  beforeAll(async () => {
    etcd = await PrivateEtcd.start();
  });
  afterEach(async () => {
    await Promise.all(elections.splice(0).map((election) => election.stop()));
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(async () => {
    await etcd.destroy();
  });

  it('elects exactly one of two replicas and publishes who it is', async () => {
    const a = replica('a');
    const b = replica('b');
    await Promise.all([a.election.start(), b.election.start()]);
    await waitFor('a leader', async () => a.election.isLeader() || b.election.isLeader(), 10_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([a.election.isLeader(), b.election.isLeader()].filter(Boolean)).toHaveLength(1);
    const leader = a.election.isLeader() ? a : b;
    const raw = await a.client.get(etcdKeys.leader('resource-scheduler')).string();
    expect(decodeEtcdValue('leader', raw as string)).toMatchObject({ replica_id: leader.election.replicaId });
    expect(leader.election.currentTerm()?.revision).toMatch(/^\d+$/);
  });

  it('hands over within two seconds of a resign', async () => {
    const a = replica('a');
    await a.election.start();
    await waitFor('a leads', async () => a.election.isLeader(), 10_000, 50);
    const b = replica('b');
    await b.election.start();
    const firstTerm = a.election.currentTerm()!;
    const resignedAt = Date.now();
    await a.election.resign();
    expect(a.election.isLeader()).toBe(false);
    await waitFor('b leads', async () => b.election.isLeader(), 2_000, 20);
    expect(Date.now() - resignedAt).toBeLessThan(2_000);
    expect(BigInt(b.election.currentTerm()!.revision)).toBeGreaterThan(BigInt(firstTerm.revision));
    expect(a.changes).toEqual([true, false]);
  });

  it('steps down on its own, before the lease can expire, when etcd stops answering', async () => {
    const a = replica('a');
    await a.election.start();
    await waitFor('a leads', async () => a.election.isLeader(), 10_000, 50);
    await etcd.kill();
    const lostAt = Date.now();
    try {
      await waitFor('a steps down', async () => !a.election.isLeader(), TTL_SECONDS * 1_000, 20);
      expect(Date.now() - lostAt).toBeLessThan(TTL_SECONDS * 1_000);
      await waitFor('the step-down reported', async () => a.changes.length === 2, 1_000, 20);
      expect(a.changes).toEqual([true, false]);
    } finally {
      await etcd.start();
    }
    await waitFor('a leads again after etcd returns', async () => a.election.isLeader(), 15_000, 100);
  });
});
