import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { infraEndpoints, TcpOutageProxy, waitFor } from '@lcm/testing';
import { devToken, type RunningTestApp, startTestApp, testConfig } from '../testing/test-app';

/** In this project's own port range (23000–23999), so parallel test runs of other projects never collide. */
const PROXY_PORT = 23101;
const MONGO_TIMEOUT_MS = 1000;

/**
 * MongoDB is the source of truth, so without it nothing can be served: every read and write must
 * answer a prompt 503 problem with Retry-After (never 500, never a hang), readiness must take the
 * replica out of service, and all of it must recover on its own when the store is back. The store
 * is taken away behind a TCP relay, so the shared server keeps serving the other tests.
 */
describe('MongoDB outage', () => {
  let proxy: TcpOutageProxy;
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let admin: { headers: Record<string, string> };

  const template = () => ({
    name: `tpl-${randomUUID().slice(0, 8)}`,
    instance_type: 'm5zn.metal',
    capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
    license_type: 'ENTERPRISE',
    max_nodes: 200,
    ami_pattern: 'CML-2.9.*',
    region: 'us-east-1',
  });

  const expectUnavailable = (response: AxiosResponse, startedAt: number) => {
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['retry-after']).toBe('5');
    expect(response.data).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
    // Bounded by the store timeout (plus scheduling slack), not by the client giving up.
    expect(Date.now() - startedAt).toBeLessThan(MONGO_TIMEOUT_MS * 4);
  };

  beforeAll(async () => {
    const mongoUrl = new URL(infraEndpoints().mongoUrl);
    proxy = new TcpOutageProxy(PROXY_PORT, { host: mongoUrl.hostname, port: Number(mongoUrl.port || 27017) });
    await proxy.up();
    mongoUrl.host = `127.0.0.1:${PROXY_PORT}`;
    cpa = await startTestApp(
      testConfig({ MONGO_URL: mongoUrl.toString(), MONGO_TIMEOUT_MS: String(MONGO_TIMEOUT_MS) }),
    );
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true, timeout: 30_000 });
    admin = { headers: { authorization: `Bearer ${await devToken(http, ['admin'])}` } };
  });
  afterAll(async () => {
    await proxy.up().catch(() => undefined);
    await cpa.close();
    await proxy.down();
  });

  it('answers reads, writes and readiness with 503 + Retry-After while the store is down, and recovers', async () => {
    expect((await http.post('/api/v1/worker-templates', template(), admin)).status).toBe(201);
    await proxy.down();

    let startedAt = Date.now();
    expectUnavailable(await http.get('/api/v1/worker-templates', admin), startedAt);
    startedAt = Date.now();
    expectUnavailable(await http.post('/api/v1/worker-templates', template(), admin), startedAt);
    startedAt = Date.now();
    expectUnavailable(await http.get(`/api/v1/sessions/${randomUUID()}`, admin), startedAt);
    startedAt = Date.now();
    expectUnavailable(await http.get('/health/ready'), startedAt);
    expect((await http.get('/health/live')).status).toBe(200);

    await proxy.up();
    await waitFor(
      'reads to recover',
      async () => (await http.get('/api/v1/worker-templates', admin)).status === 200,
    );
    expect((await http.post('/api/v1/worker-templates', template(), admin)).status).toBe(201);
    expect((await http.get('/health/ready')).status).toBe(200);
  });
});
