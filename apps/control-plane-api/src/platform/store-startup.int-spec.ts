import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { infraEndpoints, TcpOutageProxy, waitFor } from '@lcm/testing';
import { devToken, type RunningTestApp, startTestApp, testConfig } from '../testing/test-app';

/** In the port range of the fault-drill work (19300–19399), clear of store-outage.int-spec's relay. */
const PROXY_PORT = 19399;
const MONGO_TIMEOUT_MS = 1000;

/**
 * A store that is away when the control plane starts must not stop the start (it used to exit):
 * the process listens, /health/live and /metrics answer, /health/ready and every API request answer 503 with
 * Retry-After, and once the store answers the start-up work (indexes, template seeds) runs and the
 * replica becomes ready by itself. The store is taken away behind a TCP relay, so the shared
 * server keeps serving the other tests.
 */
describe('start-up while the store is away', () => {
  let proxy: TcpOutageProxy;
  let cpa: RunningTestApp;
  let http: AxiosInstance;

  const expectUnavailable = (response: AxiosResponse) => {
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe('5');
    expect(response.data).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
  };

  beforeAll(() => {
    const mongoUrl = new URL(infraEndpoints().mongoUrl);
    proxy = new TcpOutageProxy(PROXY_PORT, { host: mongoUrl.hostname, port: Number(mongoUrl.port || 27017) });
  });
  afterAll(async () => {
    await cpa?.close();
    await proxy.down();
  });

  it('starts without the store, answers 503 with Retry-After, and becomes ready by itself when the store answers', async () => {
    const mongoUrl = new URL(infraEndpoints().mongoUrl);
    mongoUrl.host = `127.0.0.1:${PROXY_PORT}`;
    cpa = await startTestApp(
      testConfig({ MONGO_URL: mongoUrl.toString(), MONGO_TIMEOUT_MS: String(MONGO_TIMEOUT_MS) }),
      { waitUntilReady: false },
    );
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true, timeout: 30_000 });

    expect((await http.get('/health/live')).status).toBe(200);
    expectUnavailable(await http.get('/health/ready'));
    // The scrape answers while the store is away, leaving out the domain gauges it cannot read and
    // counting those failures (a counter is written before the gauges are read: the next scrape).
    const scrape = async () => {
      const metrics = await http.get<string>('/metrics');
      expect(metrics.status).toBe(200);
      return metrics.data;
    };
    expect(await scrape()).toMatch(/^http_requests_total\{method="GET",route="\/health\/live",status="200"/m);
    const second = await scrape();
    expect(second).not.toMatch(/^lcm_sessions\{/m);
    expect(second).toMatch(/^lcm_metrics_store_read_failures_total\{metric="lcm_sessions"[^}]*\} [1-9]/m);
    expectUnavailable(await http.get('/api/v1/worker-templates'));
    expectUnavailable(await http.post('/api/auth/dev-token', { subject: 'early', roles: ['admin'] }));

    await proxy.up();
    // Generous for a loaded machine: the driver's next attempt, then indexes and seeds on FerretDB.
    await waitFor(
      'readiness once the store answers',
      async () => (await http.get('/health/ready')).status === 200,
      120_000,
      500,
    );

    const admin = { headers: { authorization: `Bearer ${await devToken(http, ['admin'])}` } };
    const templates = await http.get('/api/v1/worker-templates?limit=100', admin);
    expect(templates.status).toBe(200);
    // The seeding step ran once the store answered (apps/control-plane-api/seeds/worker-templates.yaml).
    expect((templates.data as { items: { name: string }[] }).items.map((item) => item.name)).toContain(
      'multi-sessions',
    );
  }, 180_000);
});
