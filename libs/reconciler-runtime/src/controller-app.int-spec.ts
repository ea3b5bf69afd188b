import { Etcd3 } from 'etcd3';
import { decodeEtcdValue, etcdKeys } from '@lcm/contracts';
import { freePort, NodeAppProcess, PrivateEtcd, waitFor } from '@lcm/testing';

const API_KEY = 'runtime-drill-controller-key';
const TTL_SECONDS = 2;

async function replica(etcdEndpoint: string, id: string): Promise<NodeAppProcess & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = new NodeAppProcess({
    name: `listing-controller-${id}`,
    entry: 'libs/reconciler-runtime/src/testing/listing-controller.main.ts',
    readyUrl: `${url}/ready`,
    env: {
      PORT: String(port),
      ETCD_ENDPOINTS: etcdEndpoint,
      CPA_API_KEY: API_KEY,
      LEASE_TTL_SECONDS: String(TTL_SECONDS),
      RESYNC_INTERVAL_MS: '1000',
      REPLICA_ID: id,
      LOG_LEVEL: 'warn',
    },
  });
  await app.start();
  return Object.assign(app, { url });
}

const stats = async (url: string) => {
  const answer = await fetch(`${url}/api/admin/stats`, { headers: { 'x-api-key': API_KEY } });
  return (await answer.json()) as { is_leader: boolean; replica_id: string; reconcilers: Array<{ outcomes: { done: number } }> };
};

describe('a controller process (admin API, leadership drills)', () => {
  let etcd: PrivateEtcd;
  let client: Etcd3;
  const replicas: NodeAppProcess[] = [];

  beforeAll(async () => {
    etcd = await PrivateEtcd.start();
    client = new Etcd3({ hosts: etcd.endpoint });
  });
  afterAll(async () => {
    await Promise.all(replicas.map((app) => app.kill()));
    client.close();
    await etcd.destroy();
  });

  const currentLeader = async () => {
    const raw = await client.get(etcdKeys.leader('lablet-controller')).string();
    return raw === null ? null : decodeEtcdValue('leader', raw);
  };

  it('serves probes and metrics openly and the admin API only with the key', async () => {
    const a = await replica(etcd.endpoint, 'a');
    replicas.push(a);
    await waitFor('a leads', async () => (await stats(a.url)).is_leader, 10_000);
    expect((await fetch(`${a.url}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/lcm_leader\{service="lablet-controller",controller="lablet-controller"\} 1/);
    expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/health",status="200",[^}]*\} \d+/);
    await waitFor('keys reconciled', async () => (await stats(a.url)).reconcilers[0]!.outcomes.done >= 3, 10_000);
    expect(metrics).toContain('process_cpu_seconds_total');
    expect((await fetch(`${a.url}/api/admin/stats`)).status).toBe(401);
    expect((await fetch(`${a.url}/api/admin/resign`, { method: 'POST', headers: { 'x-api-key': 'wrong-key-of-same-len' } })).status).toBe(401);
    const trigger = await fetch(`${a.url}/api/admin/reconcile`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ key: '' }),
    });
    expect(trigger.status).toBe(400);
    expect(await currentLeader()).toMatchObject({ replica_id: 'a', admin_url: a.url });
  });

  it('hands over within 2 s of a resign, and within the lease TTL after a kill -9 of the leader', async () => {
    const b = await replica(etcd.endpoint, 'b');
    replicas.push(b);
    const [a] = replicas as Array<NodeAppProcess & { url: string }>;
    expect((await stats(b.url)).is_leader).toBe(false);

    const resignedAt = Date.now();
    expect((await fetch(`${a!.url}/api/admin/resign`, { method: 'POST', headers: { 'x-api-key': API_KEY } })).status).toBe(202);
    await waitFor('b leads', async () => (await currentLeader())?.replica_id === 'b', 2_000, 20);
    expect(Date.now() - resignedAt).toBeLessThan(2_000);
    expect((await stats(a!.url)).is_leader).toBe(false);

    await waitFor('a is a warm standby again', async () => !(await stats(a!.url)).is_leader, 5_000);
    await b.kill();
    const killedAt = Date.now();
    await waitFor('a leads after b was killed', async () => (await stats(a!.url)).is_leader, (TTL_SECONDS + 4) * 1_000, 50);
    expect(Date.now() - killedAt).toBeLessThan((TTL_SECONDS + 4) * 1_000);
    expect(await currentLeader()).toMatchObject({ replica_id: 'a' });
  });
});
