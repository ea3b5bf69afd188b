import { createServer, type Server } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { apiContract, encodeEtcdValue, etcdKeys, INTERNAL_API_KEY_HEADER, type Role } from '@lcm/contracts';
import { PrivateEtcd } from '@lcm/testing';
import { type Etcd3 } from 'etcd3';
import { ETCD_CLIENT } from '../../platform/platform.tokens';
import {
  type RunningTestApp,
  startTestApp,
  testConfig,
  devToken,
  TEST_INTERNAL_API_KEY,
} from '../../testing/test-app';

const routes = apiContract.public.system;

const SCHEDULER_STATUS = {
  leader: { controller: 'resource-scheduler', replica_id: 'rs-1', since: '2030-01-01T00:00:00.000Z' },
  is_leader: true,
  last_pass_at: null,
  pending_count: 0,
  decisions: { placed: 3 },
  retries: 0,
  decision_latency_ms: { count: 3, p50: 4, p95: 9, max: 9 },
  scale_ups_requested: 0,
  scale_ups: {},
  unschedulable_count: 0,
  policy: { lead_window_minutes: 35, resync_seconds: 30 },
};

describe('system routes', () => {
  let etcdServer: PrivateEtcd;
  let byLeaderKey: RunningTestApp;
  let byOverride: RunningTestApp;
  let scheduler: Server;
  let schedulerUrl: string;
  const schedulerCalls: Array<{ call: string; apiKey: string | undefined }> = [];
  const tokens = new Map<Role, string>();
  const as = (role: Role) => ({ headers: { authorization: `Bearer ${tokens.get(role)}` } });
  const client = (app: RunningTestApp): AxiosInstance =>
    axios.create({ baseURL: app.url, validateStatus: () => true });
  const etcdOf = (app: RunningTestApp) => app.app.get<Etcd3>(ETCD_CLIENT);
  const schedulerRoutes = [
    routes.getSchedulerStatus,
    routes.listPendingPlacements,
    routes.triggerSchedulerReconcile,
    routes.resignSchedulerLeadership,
  ];

  beforeAll(async () => {
    scheduler = createServer((request, response) => {
      const apiKey = request.headers[INTERNAL_API_KEY_HEADER];
      schedulerCalls.push({
        call: `${request.method} ${request.url}`,
        apiKey: typeof apiKey === 'string' ? apiKey : undefined,
      });
      const body =
        request.url === '/api/admin/stats'
          ? SCHEDULER_STATUS
          : request.url?.startsWith('/api/admin/pending')
            ? { items: [], next_cursor: null }
            : { queued: 2, requested_at: '2030-01-01T00:00:00.000Z' };
      response
        .writeHead(request.url === '/api/admin/resign' ? 500 : request.method === 'POST' ? 202 : 200, {
          'content-type': 'application/json',
        })
        .end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => scheduler.listen(0, '127.0.0.1', resolve));
    const address = scheduler.address();
    schedulerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    etcdServer = await PrivateEtcd.start();
    byLeaderKey = await startTestApp(testConfig({ ETCD_ENDPOINTS: etcdServer.endpoint }));
    byOverride = await startTestApp(
      testConfig({ ETCD_ENDPOINTS: etcdServer.endpoint, RESOURCE_SCHEDULER_URL: schedulerUrl }),
    );
    for (const role of ['admin', 'manager', 'user'] as const) {
      tokens.set(role, await devToken(client(byLeaderKey), [role], `${role}-1`));
    }
  });
  afterAll(async () => {
    await Promise.all([byLeaderKey.close(), byOverride.close()]);
    scheduler.close();
    await etcdServer.destroy();
  });

  it('summarises CPA, MongoDB, etcd and the controllers, degraded while a controller has no leader', async () => {
    const etcd = etcdOf(byLeaderKey);
    await etcd.put(etcdKeys.leader('lablet-controller')).value(
      encodeEtcdValue('leader', {
        replica_id: 'lc-replica-1',
        admin_url: 'http://127.0.0.1:8082',
        elected_at: new Date().toISOString(),
      }),
    );
    try {
      const health = await client(byLeaderKey).get(routes.getSystemHealth.path, as('user'));
      expect(health.status).toBe(200);
      const byName = Object.fromEntries(
        health.data.components.map((component: { name: string }) => [component.name, component]),
      );
      expect(byName).toMatchObject({
        'control-plane-api': { status: 'ok' },
        mongodb: { status: 'ok' },
        etcd: { status: 'ok' },
        'lablet-controller': { status: 'ok', detail: 'leader lc-replica-1' },
      });
      expect(['ok', 'degraded']).toContain(health.data.status);
      if (byName['resource-scheduler'].status === 'down') expect(health.data.status).toBe('degraded');
    } finally {
      await etcd.delete().key(etcdKeys.leader('lablet-controller'));
    }
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE on every scheduler route while no scheduler leads', async () => {
    await etcdOf(byLeaderKey).delete().key(etcdKeys.leader('resource-scheduler'));
    for (const route of schedulerRoutes) {
      const response = await client(byLeaderKey).request({
        method: route.method,
        url: route.path,
        ...as('admin'),
      });
      expect(response.status).toBe(503);
      expect(response.data).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        detail: expect.stringContaining('no leader is elected'),
      });
    }
  });

  it('reaches the leader through the admin URL in its leader key, with the internal API key', async () => {
    const leaderKey = etcdKeys.leader('resource-scheduler');
    await etcdOf(byLeaderKey)
      .put(leaderKey)
      .value(
        encodeEtcdValue('leader', {
          replica_id: 'rs-1',
          admin_url: schedulerUrl,
          elected_at: new Date().toISOString(),
        }),
      );
    schedulerCalls.length = 0;
    try {
      const http = client(byLeaderKey);
      expect((await http.get(routes.getSchedulerStatus.path, as('user'))).data).toEqual(SCHEDULER_STATUS);
      expect(
        (await http.get(routes.listPendingPlacements.path, { ...as('user'), params: { limit: 5 } })).data,
      ).toEqual({ items: [], next_cursor: null });
      const reconcile = await http.post(routes.triggerSchedulerReconcile.path, undefined, as('admin'));
      expect(reconcile.status).toBe(202);
      expect(reconcile.data).toEqual({
        controller: 'resource-scheduler',
        requested_at: '2030-01-01T00:00:00.000Z',
      });
      expect((await http.post(routes.resignSchedulerLeadership.path, undefined, as('admin'))).status).toBe(
        503,
      );
      expect(schedulerCalls).toEqual([
        { call: 'GET /api/admin/stats', apiKey: TEST_INTERNAL_API_KEY },
        { call: 'GET /api/admin/pending?limit=5', apiKey: TEST_INTERNAL_API_KEY },
        { call: 'POST /api/admin/reconcile', apiKey: TEST_INTERNAL_API_KEY },
        { call: 'POST /api/admin/resign', apiKey: TEST_INTERNAL_API_KEY },
      ]);
    } finally {
      await etcdOf(byLeaderKey).delete().key(leaderKey);
    }
  });

  it('uses RESOURCE_SCHEDULER_URL instead of the leader key when it is set', async () => {
    await etcdOf(byOverride).delete().key(etcdKeys.leader('resource-scheduler'));
    const status = await client(byOverride).get(routes.getSchedulerStatus.path, as('user'));
    expect(status.status).toBe(200);
    expect(status.data).toEqual(SCHEDULER_STATUS);
  });

  it('refuses the mutating scheduler routes to users and managers', async () => {
    for (const role of ['user', 'manager'] as const) {
      for (const route of [routes.triggerSchedulerReconcile, routes.resignSchedulerLeadership]) {
        expect((await client(byOverride).post(route.path, undefined, as(role))).status).toBe(403);
      }
    }
  });

  it('tells the logged-in user who they are', async () => {
    const me = await client(byLeaderKey).get(routes.getCurrentUser.path, as('manager'));
    expect(me.data).toEqual({ username: 'manager-1', name: null, email: null, roles: ['manager'] });
    expect((await client(byLeaderKey).get(routes.getCurrentUser.path)).status).toBe(401);
  });
});
