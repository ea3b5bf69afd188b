import axios, { type AxiosInstance } from 'axios';
import { apiContract } from '@lcm/contracts';
import { PrivateEtcd, waitFor } from '@lcm/testing';
import { devToken, type RunningTestApp, startTestApp, testConfig } from '../../testing/test-app';

interface Component {
  name: string;
  status: string;
  detail: string | null;
}

/**
 * Issue 8: while only etcd is down the control plane serves (readiness 200), and says so: the
 * degraded projection is in the body of /health/ready and on the system health route.
 * A real etcd of the test's own is stopped and started again.
 */
describe('system health during an etcd outage', () => {
  let etcdServer: PrivateEtcd;
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let user: { headers: Record<string, string> };

  const health = async () => {
    const answer = await http.get(apiContract.public.system.getSystemHealth.path, user);
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries(
      (answer.data.components as Component[]).map((component) => [component.name, component]),
    );
    return { status: answer.data.status as string, byName };
  };

  beforeAll(async () => {
    etcdServer = await PrivateEtcd.start();
    cpa = await startTestApp(
      testConfig({ ETCD_ENDPOINTS: etcdServer.endpoint, PROJECTION_ETCD_PROBE_SECONDS: '1' }),
    );
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true, timeout: 30_000 });
    user = { headers: { authorization: `Bearer ${await devToken(http, ['user'])}` } };
  }, 60_000);

  afterAll(async () => {
    await cpa?.close();
    await etcdServer?.destroy();
  });

  it('reports the projection degraded, not the system down, and current again once etcd is back', async () => {
    const before = await health();
    expect(before.byName).toMatchObject({
      etcd: { status: 'ok' },
      'etcd-projection': { status: 'ok', detail: 'current' },
    });

    await etcdServer.stop();
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.data).toEqual({ status: 'degraded', mongo: 'up', etcd: 'down', projection: 'behind' });
    const during = await health();
    expect(during.status).toBe('degraded');
    expect(during.byName).toMatchObject({
      'control-plane-api': { status: 'ok' },
      mongodb: { status: 'ok' },
      etcd: { status: 'down' },
      'etcd-projection': { status: 'degraded' },
    });
    expect(during.byName['etcd-projection']?.detail).toMatch(/^behind/);

    await etcdServer.start();
    await waitFor(
      'etcd to answer the control plane',
      async () => (await health()).byName['etcd']?.status === 'ok',
      30_000,
    );
    expect((await health()).byName).toMatchObject({
      etcd: { status: 'ok' },
      'etcd-projection': { status: 'ok', detail: 'current' },
    });
    expect((await http.get('/health/ready')).data).toEqual({
      status: 'up',
      mongo: 'up',
      etcd: 'up',
      projection: 'current',
    });
  }, 90_000);
});
