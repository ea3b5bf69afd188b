import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { z } from 'zod';
import { BearerTokenCache } from './bearer-token';
import {
  ConflictError,
  InvalidError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from './errors';
import { createAxiosInstance, encodePathSegment, HttpCaller, type HttpCallerOptions } from './http-client';
import { type IntegrationLogger } from './logger';
import { startStubHttpServer, type StubHttpServer } from './stub-http-server';
import { tolerantEnum } from './tolerant-enum';

function capturingLogger() {
  const warnings: Array<{ details: object; message?: string }> = [];
  const logger: IntegrationLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (details, message) => warnings.push({ details, ...(message ? { message } : {}) }),
  };
  return { logger, warnings };
}

describe('HttpCaller against a scripted server', () => {
  let server: StubHttpServer;
  const sleeps: number[] = [];
  const { logger, warnings } = capturingLogger();

  const caller = (overrides: Partial<HttpCallerOptions> = {}) =>
    new HttpCaller({
      system: 'cml',
      http: createAxiosInstance({ baseUrl: server.url, timeoutMs: 500 }),
      logger,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    });

  beforeAll(async () => {
    server = await startStubHttpServer(() => ({ status: 200, body: {} }));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    sleeps.length = 0;
    warnings.length = 0;
  });

  it('sends JSON with Accept and query parameters and parses the response with the schema', async () => {
    server.respondWith(() => ({ status: 200, body: { id: 'lab-1', extra: 'ignored' } }));
    const result = await caller().json({
      operation: 'getLab',
      method: 'POST',
      path: `/labs/${encodePathSegment('a b')}`,
      query: { data: true, skipped: undefined },
      body: { title: 'x' },
      idempotent: true,
      schema: z.object({ id: z.string() }),
    });
    expect(result).toEqual({ id: 'lab-1' });
    const [request] = server.requests;
    expect(request?.path).toBe('/labs/a%20b');
    expect(request?.query.get('data')).toBe('true');
    expect(request?.query.has('skipped')).toBe(false);
    expect(request?.headers['accept']).toBe('application/json');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.bodyText ?? '')).toEqual({ title: 'x' });
  });

  it.each([
    [400, InvalidError],
    [401, UnauthorizedError],
    [403, UnauthorizedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, InvalidError],
  ])('maps status %i to %p with the server reason', async (status, errorClass) => {
    server.respondWith(() => ({ status, body: { code: status, description: 'reason from server' } }));
    const failure = caller().noContent({ operation: 'startLab', method: 'PUT', path: '/labs/x/start', idempotent: true });
    await expect(failure).rejects.toBeInstanceOf(errorClass);
    await expect(failure).rejects.toMatchObject({ system: 'cml', operation: 'startLab', status, message: expect.stringContaining('reason from server') });
  });

  it('applies per-operation status overrides', async () => {
    server.respondWith(() => ({ status: 400, body: { code: 400, description: 'Node not found' } }));
    await expect(
      caller().noContent({ operation: 'getNode', method: 'GET', path: '/n', idempotent: true, statusOverrides: { 400: 'not_found' } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('retries a throttled idempotent call, honouring Retry-After, then succeeds', async () => {
    let calls = 0;
    server.respondWith(() => (++calls === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 200, body: true }));
    await expect(caller().json({ operation: 'isConverged', method: 'GET', path: '/c', idempotent: true, schema: z.boolean() })).resolves.toBe(true);
    expect(calls).toBe(2);
    expect(sleeps).toEqual([1_000]);
  });

  it('gives up on a persistently unavailable idempotent call after the bounded attempts', async () => {
    server.respondWith(() => ({ status: 503, body: 'down' }));
    await expect(
      caller({ retry: { maxAttempts: 4 } }).noContent({ operation: 'stopLab', method: 'PUT', path: '/s', idempotent: true }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(server.requests).toHaveLength(4);
    expect(warnings.filter((warning) => warning.message === 'retrying idempotent call')).toHaveLength(3);
  });

  it('surfaces a 5xx on a non-idempotent call without repeating it', async () => {
    server.respondWith(() => ({ status: 503 }));
    await expect(
      caller().json({ operation: 'importLab', method: 'POST', path: '/import', idempotent: false, body: 'lab: {}', schema: z.unknown() }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(server.requests).toHaveLength(1);
  });

  it('sends no Content-Type on a request without a body', async () => {
    server.respondWith(() => ({ status: 202 }));
    await caller().noContent({ operation: 'gradePart', method: 'POST', path: '/grade', idempotent: false });
    expect(server.requests[0]?.headers['content-type']).toBeUndefined();
    expect(server.requests[0]?.bodyText).toBe('');
  });

  it('sends string bodies verbatim with the caller-provided content type', async () => {
    server.respondWith(() => ({ status: 200, body: { id: 'x' } }));
    await caller().json({
      operation: 'importLab',
      method: 'POST',
      path: '/import',
      idempotent: false,
      body: 'lab:\n  title: t\n',
      headers: { 'Content-Type': 'application/x-yaml' },
      schema: z.object({ id: z.string() }),
    });
    expect(server.requests[0]?.bodyText).toBe('lab:\n  title: t\n');
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-yaml');
  });

  it('treats a 2xx body that is not JSON as an invalid response', async () => {
    server.respondWith(() => ({ status: 200, body: '<html>booting</html>', headers: { 'Content-Type': 'text/html' } }));
    await expect(caller().json({ operation: 'systemInformation', method: 'GET', path: '/', idempotent: true, schema: z.unknown() })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'invalid_response',
    });
  });

  it('treats a body that breaks the schema as an invalid response', async () => {
    server.respondWith(() => ({ status: 200, body: { id: 42 } }));
    await expect(
      caller().json({ operation: 'getLab', method: 'GET', path: '/', idempotent: true, schema: z.object({ id: z.string() }) }),
    ).rejects.toBeInstanceOf(InvalidError);
  });

  it('maps unknown enumeration values to UNKNOWN and logs them instead of failing', async () => {
    server.respondWith(() => ({ status: 200, body: { state: 'HIBERNATING' } }));
    const result = await caller().json({
      operation: 'getLab',
      method: 'GET',
      path: '/',
      idempotent: true,
      schema: z.object({ state: tolerantEnum(['STARTED', 'STOPPED'], 'lab.state') }),
    });
    expect(result.state).toBe('UNKNOWN');
    expect(warnings).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ field: 'lab.state', rawValue: 'HIBERNATING', operation: 'getLab' }) }),
    ]);
  });

  it('returns raw text for text calls with the requested Accept header', async () => {
    server.respondWith(() => ({ status: 200, body: 'lab:\n  title: x\n', headers: { 'Content-Type': 'application/x-yaml' } }));
    await expect(caller().text({ operation: 'download', method: 'GET', path: '/d', idempotent: true, accept: 'application/x-yaml' })).resolves.toBe(
      'lab:\n  title: x\n',
    );
    expect(server.requests[0]?.headers['accept']).toBe('application/x-yaml');
  });

  it('adds the bearer token and re-authenticates once after a 401', async () => {
    let issued = 0;
    const bearer = new BearerTokenCache(async () => ({ value: `t${++issued}` }));
    server.respondWith((request) => (request.headers['authorization'] === 'Bearer t2' ? { status: 200, body: '"ok"' } : { status: 401 }));
    await expect(caller({ bearer }).json({ operation: 'authok', method: 'GET', path: '/authok', idempotent: true, schema: z.string() })).resolves.toBe('ok');
    expect(server.requests.map((request) => request.headers['authorization'])).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('sends anonymous calls without a token', async () => {
    const bearer = new BearerTokenCache(async () => ({ value: 'never-used' }));
    server.respondWith(() => ({ status: 200, body: {} }));
    await caller({ bearer }).noContent({ operation: 'systemInformation', method: 'GET', path: '/', idempotent: true, anonymous: true });
    expect(server.requests[0]?.headers['authorization']).toBeUndefined();
  });
});

describe('HttpCaller transport failures', () => {
  it('maps a refused connection to a retryable Unavailable error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const pauses: number[] = [];
    const caller = new HttpCaller({
      system: 'lds',
      http: createAxiosInstance({ baseUrl: `http://127.0.0.1:${port}` }),
      logger: capturingLogger().logger,
      sleep: async (ms) => {
        pauses.push(ms);
      },
      retry: { maxAttempts: 2 },
    });
    const failure = caller.noContent({ operation: 'getSession', method: 'GET', path: '/', idempotent: true });
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable', status: undefined, code: 'ECONNREFUSED', retryable: true });
    expect(pauses).toHaveLength(1);
  });

  it('maps a timeout to Unavailable', async () => {
    const slow = await startStubHttpServer(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: {} }), 300)));
    try {
      const caller = new HttpCaller({
        system: 'grading',
        http: createAxiosInstance({ baseUrl: slow.url, timeoutMs: 50 }),
        logger: capturingLogger().logger,
      });
      await expect(caller.noContent({ operation: 'grade', method: 'POST', path: '/', idempotent: false })).rejects.toMatchObject({
        kind: 'unavailable',
        message: expect.stringContaining('timed out'),
      });
      expect(slow.requests).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});
