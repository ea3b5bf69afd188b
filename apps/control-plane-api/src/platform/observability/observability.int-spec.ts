import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ControlPlaneProcess,
  exportedSpans,
  PrivateEtcd,
  type RecordingServer,
  startRecordingServer,
  waitFor,
} from '@lcm/testing';

describe('control plane observability (a real process)', () => {
  let etcd: PrivateEtcd;
  let cpa: ControlPlaneProcess;
  let collector: RecordingServer;
  let scheduler: RecordingServer;
  let token: string;

  const spans = () => exportedSpans(collector);

  beforeAll(async () => {
    etcd = await PrivateEtcd.start();
    collector = await startRecordingServer();
    scheduler = await startRecordingServer(() => ({ status: 500, body: '{}' }));
    cpa = await ControlPlaneProcess.start({
      etcdEndpoint: etcd.endpoint,
      env: {
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        // Export spans within a fraction of a second instead of the SDK's default 5 s.
        OTEL_BSP_SCHEDULE_DELAY: '200',
        RESOURCE_SCHEDULER_URL: scheduler.url,
        RATE_LIMIT_MAX: '5',
        RATE_LIMIT_WINDOW_SECONDS: '60',
      },
    });
    token = await cpa.token(['admin']);
  }, 120_000);

  afterAll(async () => {
    await cpa?.stop();
    await etcd?.destroy();
    await collector?.close();
    await scheduler?.close();
  });

  // Each test speaks as its own client address (trustProxy is on), so the 5-per-minute budget of
  // the rate-limit test is not spent by the others.
  const as = (client: string, headers: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    'x-forwarded-for': client,
    ...headers,
  });

  it('serves request counters by route template and status, runtime and domain metrics at /metrics', async () => {
    const headers = as('198.51.100.1');
    expect((await fetch(`${cpa.url}/api/v1/sessions`, { headers })).status).toBe(200);
    const missing = (await fetch(`${cpa.url}/api/v1/sessions/does-not-exist`, { headers })).status;
    expect([400, 404]).toContain(missing);

    const metrics = await (await fetch(`${cpa.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/v1\/sessions",status="200",service="control-plane-api"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      new RegExp(
        String.raw`^http_requests_total\{method="GET",route="/api/v1/sessions/:[a-z_]+",status="${missing}",service="control-plane-api"\} 1$`,
        'm',
      ),
    );
    expect(metrics).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.5",service="control-plane-api",method="GET",route="\/api\/v1\/sessions",status="200"\} [1-9]/m,
    );
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds\{service="control-plane-api"\} /m);
    expect(metrics).toContain('# TYPE lcm_sessions gauge');
    expect(metrics).toMatch(
      /^lcm_sessions_past_start_not_ready\{status="PENDING",service="control-plane-api"\} 0$/m,
    );
  });

  it('reports workers by status and the fleet capacity from MongoDB at scrape time', async () => {
    const headers = { ...as('198.51.100.5'), 'content-type': 'application/json' };
    const templates = (await (await fetch(`${cpa.url}/api/v1/worker-templates`, { headers })).json()) as {
      items: { id: string; name: string; capacity: { cpu_cores: number } }[];
    };
    const template = templates.items.find((t) => t.name === 'single-session')!;
    const scaled = await fetch(`${cpa.url}/api/v1/workers/scale-up`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ template_id: template.id, reason: 'metrics test' }),
    });
    expect(scaled.status).toBe(202);

    const metrics = await (await fetch(`${cpa.url}/metrics`)).text();
    expect(metrics).toMatch(/^lcm_workers\{status="PENDING",service="control-plane-api"\} 1$/m);
    expect(metrics).toContain(
      `lcm_fleet_capacity{kind="declared",resource="cpu_cores",service="control-plane-api"} ${template.capacity.cpu_cores}`,
    );
    expect(metrics).toMatch(
      /^lcm_fleet_capacity\{kind="allocated",resource="cpu_cores",service="control-plane-api"\} 0$/m,
    );
    expect(metrics).toMatch(/^lcm_sse_clients\{service="control-plane-api"\} 0$/m);
  });

  it('counts open SSE clients', async () => {
    const stream = new AbortController();
    const response = await fetch(`${cpa.url}/api/v1/events/stream`, {
      headers: as('198.51.100.2'),
      signal: stream.signal,
    });
    expect(response.status).toBe(200);
    const sse = async () =>
      (await (await fetch(`${cpa.url}/metrics`)).text()).match(/^lcm_sse_clients\{[^}]*\} (\d+)$/m)?.[1];
    await waitFor('one SSE client counted', async () => (await sse()) === '1', 5_000);
    stream.abort();
    await waitFor('SSE client gone', async () => (await sse()) === '0', 5_000);
  });

  it('logs one line per request with method, route, status, duration and the correlation id it echoes', async () => {
    const response = await fetch(`${cpa.url}/api/v1/sessions?secret_query=hunter2`, {
      headers: as('198.51.100.3', { 'x-correlation-id': 'obs-test-42' }),
    });
    // An unknown query parameter is refused (400): the line still names the route template only.
    expect(response.status).toBe(400);
    expect(response.headers.get('x-correlation-id')).toBe('obs-test-42');
    const generated = await fetch(`${cpa.url}/health/live`);
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);

    const line = await (async () => {
      let found: Record<string, unknown> | undefined;
      await waitFor(
        'the request line in the log',
        async () => {
          found = readFileSync(cpa.logFile, 'utf8')
            .split('\n')
            .filter((text) => text.startsWith('{'))
            .map((text) => JSON.parse(text) as Record<string, unknown>)
            .find((entry) => entry['msg'] === 'request' && entry['correlation_id'] === 'obs-test-42');
          return found !== undefined;
        },
        5_000,
      );
      return found!;
    })();
    expect(line).toMatchObject({
      service: 'control-plane-api',
      method: 'GET',
      route: '/api/v1/sessions',
      status: 400,
    });
    expect(typeof line['duration_ms']).toBe('number');
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(JSON.stringify(line)).not.toContain('authorization');
  });

  it('exports spans of the request, its MongoDB calls and its outgoing calls to the OTLP endpoint, continuing the caller trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${parent}-01`;
    await fetch(`${cpa.url}/api/v1/sessions`, { headers: as('198.51.100.4', { traceparent }) });
    // The scheduler routes call the resource-scheduler's admin API over fetch (undici).
    await fetch(`${cpa.url}/api/v1/scheduler/pending`, { headers: as('198.51.100.4', { traceparent }) });

    await waitFor(
      'spans of both requests at the collector',
      async () => {
        const ours = spans().filter((span) => span.traceId === traceId);
        return ours.some((s) => s.scope.includes('mongodb')) && ours.some((s) => s.scope.includes('undici'));
      },
      15_000,
    );
    const ours = spans().filter((span) => span.traceId === traceId);
    const scopes = new Set(ours.map((span) => span.scope));
    expect([...scopes]).toEqual(
      expect.arrayContaining([
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-fastify',
        '@opentelemetry/instrumentation-mongodb',
        '@opentelemetry/instrumentation-undici',
      ]),
    );
    // The server span continues the caller's span.
    expect(
      ours.some(
        (span) => span.scope === '@opentelemetry/instrumentation-http' && span.parentSpanId === parent,
      ),
    ).toBe(true);
    // W3C trace context went on to the resource-scheduler, inside the same trace.
    const outgoing = scheduler.received.find((request) =>
      String(request.headers['traceparent'] ?? '').includes(traceId),
    );
    expect(outgoing?.path).toMatch(/^\/api\/admin\/pending/);
    // The exporter's own calls are not traced.
    expect(spans().some((span) => span.name.includes('/v1/traces'))).toBe(false);
  });

  it('answers 429 with Retry-After as a problem document past the public API budget, and never limits probes', async () => {
    const headers = as('203.0.113.9');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await fetch(`${cpa.url}/api/v1/sessions`, { headers })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const limited = await fetch(`${cpa.url}/api/v1/sessions`, {
      headers: { ...headers, 'x-correlation-id': 'limited-1' },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(await limited.json()).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      type: 'urn:lcm:problem:rate-limited',
      correlation_id: 'limited-1',
    });
    // Another client still has its own budget; probes and scrapes are not limited.
    expect((await fetch(`${cpa.url}/api/v1/sessions`, { headers: as('203.0.113.10') })).status).toBe(200);
    for (let i = 0; i < 7; i += 1)
      expect(
        (await fetch(`${cpa.url}/health/live`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status,
      ).toBe(200);
    const metrics = await (await fetch(`${cpa.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/v1\/sessions",status="429",service="control-plane-api"\} 1$/m,
    );
  });
});
