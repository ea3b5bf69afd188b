import { createServer, type Server } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { apiContract, encodeEtcdValue, etcdKeys, type Role } from '@lcm/contracts';
import { type Etcd3 } from 'etcd3';
import { ETCD_CLIENT } from '../../platform/platform.tokens';
import { type RunningTestApp, startTestApp, testConfig, devToken } from '../../testing/test-app';

const routes = apiContract.public.system;

const SCHEDULER_STATUS = {
  leader: { controller: 'resource-scheduler', replica_id: 'rs-1', since: '2030-01-01T00:00:00.000Z' },
  is_leader: true,
  last_pass_at: null,
  pending_count: 0,
  decisions: { placed: 3 },
  scale_ups_requested: 0,
  policy: { lead_window_minutes: 35, resync_seconds: 30 },
};

describe('system routes', () => {
  let withoutScheduler: RunningTestApp;
  let withScheduler: RunningTestApp;
  let scheduler: Server;
  const schedulerCalls: string[] = [];
  const tokens = new Map<Role, string>();
  const as = (role: Role) => ({ headers: { authorization: `Bearer ${tokens.get(role)}` } });
  const client = (app: RunningTestApp): AxiosInstance =>
    axios.create({ baseURL: app.url, validateStatus: () => true });

  beforeAll(async () => {
    scheduler = createServer((request, response) => {
      schedulerCalls.push(`${request.method} ${request.url}`);
      const body =
        request.url === '/api/admin/stats'
          ? SCHEDULER_STATUS
          : request.url?.startsWith('/api/admin/pending')
            ? { items: [], next_cursor: null }
            : { controller: 'resource-scheduler', requested_at: '2030-01-01T00:00:00.000Z' };
      response
        .writeHead(request.url === '/api/admin/resign' ? 500 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => scheduler.listen(0, '127.0.0.1', resolve));
    const address = scheduler.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    withoutScheduler = await startTestApp();
    withScheduler = await startTestApp(testConfig({ RESOURCE_SCHEDULER_URL: `http://127.0.0.1:${port}` }));
    for (const role of ['admin', 'manager', 'user'] as const) {
      tokens.set(role, await devToken(client(withoutScheduler), [role], `${role}-1`));
    }
  });
  afterAll(async () => {
    await Promise.all([withoutScheduler.close(), withScheduler.close()]);
    scheduler.close();
  });

  it('summarises CPA, MongoDB, etcd and the controllers, degraded while a controller has no leader', async () => {
    const etcd = withoutScheduler.app.get<Etcd3>(ETCD_CLIENT);
    await etcd
      .put(etcdKeys.leader('lablet-controller'))
      .value(encodeEtcdValue('leader', { replica_id: 'lc-replica-1', admin_url: 'http://127.0.0.1:8082', elected_at: new Date().toISOString() }));
    try {
      const health = await client(withoutScheduler).get(routes.getSystemHealth.path, as('user'));
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

  it('answers 503 DEPENDENCY_UNAVAILABLE on every scheduler route when no scheduler is configured', async () => {
    for (const route of [
      routes.getSchedulerStatus,
      routes.listPendingPlacements,
      routes.triggerSchedulerReconcile,
      routes.resignSchedulerLeadership,
    ]) {
      const response = await client(withoutScheduler).request({
        method: route.method,
        url: route.path,
        ...as('admin'),
      });
      expect(response.status).toBe(503);
      expect(response.data).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        detail: expect.stringContaining('RESOURCE_SCHEDULER_URL'),
      });
    }
  });

  it('proxies the scheduler routes and turns a scheduler failure into 503', async () => {
    const http = client(withScheduler);
    expect((await http.get(routes.getSchedulerStatus.path, as('user'))).data).toEqual(SCHEDULER_STATUS);
    expect(
      (await http.get(routes.listPendingPlacements.path, { ...as('user'), params: { limit: 5 } })).data,
    ).toEqual({ items: [], next_cursor: null });
    const reconcile = await http.post(routes.triggerSchedulerReconcile.path, undefined, as('admin'));
    expect(reconcile.status).toBe(202);
    expect((await http.post(routes.resignSchedulerLeadership.path, undefined, as('admin'))).status).toBe(503);
    expect(schedulerCalls).toEqual(
      expect.arrayContaining([
        'GET /api/admin/stats',
        'GET /api/admin/pending?limit=5',
        'POST /api/admin/reconcile',
        'POST /api/admin/resign',
      ]),
    );
  });

  it('refuses the mutating scheduler routes to users and managers', async () => {
    for (const role of ['user', 'manager'] as const) {
      for (const route of [routes.triggerSchedulerReconcile, routes.resignSchedulerLeadership]) {
        expect((await client(withScheduler).post(route.path, undefined, as(role))).status).toBe(403);
      }
    }
  });

  it('tells the logged-in user who they are', async () => {
    const me = await client(withoutScheduler).get(routes.getCurrentUser.path, as('manager'));
    expect(me.data).toEqual({ username: 'manager-1', name: null, email: null, roles: ['manager'] });
    expect((await client(withoutScheduler).get(routes.getCurrentUser.path)).status).toBe(401);
  });
});
