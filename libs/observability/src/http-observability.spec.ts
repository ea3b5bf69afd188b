import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { CORRELATION_ID_HEADER, currentCorrelationId } from './correlation';
import { installHttpObservability } from './http-observability';
import { createLogger } from './logger';
import { createMetricsRegistry } from './metrics';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('installHttpObservability', () => {
  let app: FastifyInstance;
  let lines: () => Record<string, unknown>[];
  const seenInHandler: (string | undefined)[] = [];
  let get: (
    path: string,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; headers: Record<string, string>; body: string }>;

  beforeEach(async () => {
    const captured = capture();
    lines = captured.lines;
    const registry = createMetricsRegistry({ service: 'test-app' });
    app = Fastify();
    installHttpObservability(app, {
      registry,
      logger: createLogger({ service: 'test-app', level: 'info' }, captured.stream),
      quietRoutes: ['/health'],
    });
    app.get('/things/:id', async (request) => {
      seenInHandler.push(currentCorrelationId());
      return { id: (request.params as { id: string }).id };
    });
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    get = async (path, headers = {}) => {
      const response = await fetch(`${address}${path}`, { headers });
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
    };
  });

  afterEach(() => app.close());

  it('counts requests and their latency by method, route template and status in /metrics', async () => {
    await get('/things/1');
    await get('/things/2?secret=x');
    await get('/boom');
    await get('/nowhere/at/all');

    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/things\/:id",status="200",service="test-app"\} 2$/m,
    );
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/boom",status="500",service="test-app"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="unmatched",status="404",service="test-app"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{service="test-app",method="GET",route="\/things\/:id",status="200"\} 2$/m,
    );
    // Node runtime metrics come with the registry.
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="test-app"\} /m);
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="test-app"\} /m);
    // Raw paths never become labels.
    expect(text).not.toContain('/things/1');
    expect(text).not.toContain('/nowhere');
  });

  it('writes one line per request with method, route template, status, duration and correlation id, never the query string', async () => {
    const response = await get('/things/7?token=secret', { [CORRELATION_ID_HEADER]: 'corr-7' });

    const requestLines = lines().filter((line) => line['msg'] === 'request');
    expect(requestLines).toHaveLength(1);
    const [line] = requestLines;
    expect(line).toMatchObject({
      service: 'test-app',
      method: 'GET',
      route: '/things/:id',
      status: 200,
      correlation_id: 'corr-7',
    });
    expect(typeof line?.['duration_ms']).toBe('number');
    expect(JSON.stringify(line)).not.toContain('secret');
    expect(response.headers[CORRELATION_ID_HEADER]).toBe('corr-7');
  });

  it('keeps probes and scrapes out of the info log', async () => {
    await get('/health');
    await get('/metrics');
    expect(lines().filter((line) => line['msg'] === 'request')).toEqual([]);
  });

  it('echoes the caller correlation id, and invents one when it is missing or not a plain token', async () => {
    const given = await get('/things/1', { [CORRELATION_ID_HEADER]: 'abc-123' });
    const missing = await get('/things/1');
    const hostile = await get('/things/1', { [CORRELATION_ID_HEADER]: 'x {"evil":1}' });

    expect(given.headers[CORRELATION_ID_HEADER]).toBe('abc-123');
    expect(missing.headers[CORRELATION_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    expect(hostile.headers[CORRELATION_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    // The handler ran with the same id in scope as the one echoed.
    expect(seenInHandler.slice(-3)).toEqual([
      'abc-123',
      missing.headers[CORRELATION_ID_HEADER],
      hostile.headers[CORRELATION_ID_HEADER],
    ]);
  });
});
