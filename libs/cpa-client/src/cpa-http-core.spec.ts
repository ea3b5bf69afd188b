import {
  CORRELATION_ID_HEADER,
  defineRoute,
  ERROR_HTTP_STATUS,
  type ErrorCode,
  type ProblemDetails,
  problemTypeUri,
} from '@lcm/contracts';
import { z } from 'zod';
import { CpaHttpCore, type CpaHttpCoreFlavour, type CpaHttpCoreOptions } from './cpa-http-core';
import {
  ConflictError,
  ContractViolationError,
  CpaError,
  ForbiddenError,
  isConflictError,
  isUnavailableError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from './errors';
import { type ScriptedHttpServer, startScriptedHttpServer } from './testing/scripted-http-server';

const Part = z.object({ part_id: z.string(), size: z.number().int() });

const getPart = defineRoute({
  method: 'GET',
  path: '/api/test/things/:thing_id/parts/:part_id',
  params: z.object({ thing_id: z.string(), part_id: z.string() }),
  query: z.object({
    status: z.array(z.string()).optional(),
    limit: z.number().optional(),
    verbose: z.boolean().optional(),
    owner: z.string().optional(),
  }),
  responses: { 200: Part.transform((part) => ({ ...part, large: part.size > 10 })) },
  summary: 'test route: read',
  auth: 'internal',
});

const createPart = defineRoute({
  method: 'POST',
  path: '/api/test/parts',
  body: z.object({ size: z.number() }),
  responses: { 201: Part },
  summary: 'test route: create',
  auth: 'internal',
});

const pokePart = defineRoute({
  method: 'POST',
  path: '/api/test/parts/poke',
  responses: { 202: Part },
  summary: 'test route: bodiless post',
  auth: 'internal',
});

const deletePart = defineRoute({
  method: 'DELETE',
  path: '/api/test/parts/:part_id',
  params: z.object({ part_id: z.string() }),
  responses: { 204: null },
  summary: 'test route: delete',
  auth: 'internal',
});

const part = { part_id: 'p-1', size: 12 };
const readPart = { params: { thing_id: 't-1', part_id: 'p-1' } };

const problem = (code: ErrorCode, extra: Partial<ProblemDetails> = {}): ProblemDetails => ({
  type: problemTypeUri(code),
  title: code.toLowerCase(),
  status: ERROR_HTTP_STATUS[code],
  code,
  ...extra,
});

describe('CpaHttpCore', () => {
  let server: ScriptedHttpServer;
  const sleeps: number[] = [];

  const coreFor = (options: Partial<CpaHttpCoreOptions & CpaHttpCoreFlavour> = {}) =>
    new CpaHttpCore({
      baseUrl: `${server.url}/`,
      authHeaders: () => ({}),
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      ...options,
    });

  beforeEach(async () => {
    sleeps.length = 0;
    server = await startScriptedHttpServer();
  });
  afterEach(() => server.close());

  describe('request', () => {
    it('fills path params URI-encoded, so an id cannot add segments', async () => {
      server.script({ status: 200, body: part });
      await coreFor().call(getPart, { params: { thing_id: 'a/b c?', part_id: 'p-1' } });
      expect(server.requests[0]?.rawUrl).toBe('/api/test/things/a%2Fb%20c%3F/parts/p-1');
    });

    it('serialises the query with repeated keys for lists and without undefined filters', async () => {
      server.script({ status: 200, body: part });
      await coreFor().call(getPart, {
        ...readPart,
        query: { status: ['PENDING', 'RUNNING'], limit: 5, verbose: true, owner: undefined },
      });
      expect(server.requests[0]?.rawUrl).toBe(
        '/api/test/things/t-1/parts/p-1?status=PENDING&status=RUNNING&limit=5&verbose=true',
      );
    });

    it('sends the body as JSON', async () => {
      server.script({ status: 201, body: part });
      await coreFor().call(createPart, { body: { size: 12 } });
      expect(server.requests[0]).toMatchObject({
        method: 'POST',
        bodyText: '{"size":12}',
        headers: { 'content-type': 'application/json' },
      });
    });

    it('sends no content type when there is no body', async () => {
      server.script({ status: 202, body: part });
      await coreFor().call(pokePart);
      expect(server.requests[0]?.bodyText).toBe('');
      expect(server.requests[0]?.headers['content-type']).toBeUndefined();
    });

    it('sends the auth headers, read at every call', async () => {
      let token = 0;
      server.script({ status: 202, body: part });
      const core = coreFor({ authHeaders: async () => ({ authorization: `Bearer t${++token}` }) });
      await core.call(pokePart);
      await core.call(pokePart);
      expect(server.requests.map((request) => request.headers.authorization)).toEqual([
        'Bearer t1',
        'Bearer t2',
      ]);
    });

    it("propagates the client's correlation id, and a per-call one in its place", async () => {
      server.script({ status: 202, body: part });
      const core = coreFor({ correlationId: () => 'reconcile-1' });
      await core.call(pokePart);
      await core.call(pokePart, { correlationId: 'request-2' });
      expect(server.requests.map((request) => request.headers[CORRELATION_ID_HEADER])).toEqual([
        'reconcile-1',
        'request-2',
      ]);
    });

    it('sends no correlation header when there is none', async () => {
      server.script({ status: 202, body: part });
      await coreFor().call(pokePart);
      expect(server.requests[0]?.headers[CORRELATION_ID_HEADER]).toBeUndefined();
    });
  });

  describe('response', () => {
    it("returns the body parsed by the status's schema", async () => {
      server.script({ status: 200, body: part });
      await expect(coreFor().call(getPart, readPart)).resolves.toEqual({ ...part, large: true });
    });

    it('returns undefined for a declared bodiless status', async () => {
      server.script({ status: 204 });
      await expect(coreFor().call(deletePart, { params: { part_id: 'p-1' } })).resolves.toBeUndefined();
    });

    it('rejects a success status the route does not declare', async () => {
      server.script({ status: 200, body: part });
      const error = await coreFor()
        .call(createPart, { body: { size: 1 } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContractViolationError);
      expect(error).toMatchObject({
        status: 200,
        code: 'INTERNAL_ERROR',
        detail: expect.stringContaining('declares 201'),
      });
    });

    it('rejects a body that does not match the schema, naming the field', async () => {
      server.script({ status: 200, body: { part_id: 'p-1', size: 'big' } });
      const error = await coreFor()
        .call(getPart, readPart)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContractViolationError);
      expect((error as CpaError).fieldErrors.map((fieldError) => fieldError.field)).toEqual(['size']);
    });

    it('rejects a success answer that is not JSON', async () => {
      server.script({ status: 200, body: '<html>hello</html>' });
      await expect(coreFor().call(getPart, readPart)).rejects.toBeInstanceOf(ContractViolationError);
    });

    it('does not follow redirects, which no route declares', async () => {
      server.script({ status: 302, headers: { location: '/elsewhere' } });
      await expect(coreFor().call(getPart, readPart)).rejects.toMatchObject({
        name: 'ContractViolationError',
        status: 302,
      });
    });
  });

  describe('errors', () => {
    it.each([
      [400, 'VALIDATION_FAILED', ValidationError],
      [401, 'UNAUTHORIZED', UnauthorizedError],
      [403, 'FORBIDDEN', ForbiddenError],
      [404, 'NOT_FOUND', NotFoundError],
      [409, 'DUPLICATE', ConflictError],
      [422, 'CAPACITY_EXCEEDED', UnprocessableError],
      [429, 'RATE_LIMITED', RateLimitedError],
      [500, 'INTERNAL_ERROR', UnavailableError],
      [503, 'DEPENDENCY_UNAVAILABLE', UnavailableError],
      [413, 'PAYLOAD_TOO_LARGE', CpaError],
    ] as const)('decodes a %i problem into %s as %p', async (status, code, errorClass) => {
      server.script({ status, body: problem(code, { detail: 'because' }) });
      const error = await coreFor()
        .call(createPart, { body: { size: 1 } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toMatchObject({
        status,
        code,
        detail: 'because',
        method: 'POST',
        path: '/api/test/parts',
      });
    });

    it('decodes the field errors of a 400', async () => {
      const errors = [{ field: 'size', message: 'expected number' }];
      server.script({ status: 400, body: problem('VALIDATION_FAILED', { errors }) });
      await expect(coreFor().call(createPart, { body: { size: 1 } })).rejects.toMatchObject({
        fieldErrors: errors,
      });
    });

    it('decodes an invalid transition with both statuses', async () => {
      server.script({
        status: 409,
        body: problem('INVALID_TRANSITION', { current_status: 'RUNNING', requested_status: 'SCHEDULED' }),
      });
      const error = await coreFor()
        .call(pokePart)
        .catch((caught: unknown) => caught);
      expect(isConflictError(error)).toBe(true);
      expect(error).toMatchObject({
        isInvalidTransition: true,
        isVersionConflict: false,
        currentStatus: 'RUNNING',
        requestedStatus: 'SCHEDULED',
      });
    });

    it('tells a version conflict apart', async () => {
      server.script({ status: 409, body: problem('VERSION_CONFLICT') });
      await expect(coreFor().call(pokePart)).rejects.toMatchObject({
        isVersionConflict: true,
        isInvalidTransition: false,
      });
    });

    it('takes the correlation id from the problem, else from the answer header, else the one sent', async () => {
      server.script(
        {
          status: 404,
          body: problem('NOT_FOUND', { correlation_id: 'from-body' }),
          headers: { [CORRELATION_ID_HEADER]: 'from-header' },
        },
        { status: 404, body: problem('NOT_FOUND'), headers: { [CORRELATION_ID_HEADER]: 'from-header' } },
        { status: 404, body: problem('NOT_FOUND') },
      );
      const core = coreFor({ correlationId: () => 'sent' });
      const correlationIds = [];
      for (let call = 0; call < 3; call++)
        correlationIds.push(await core.call(pokePart).catch((error: CpaError) => error.correlationId));
      expect(correlationIds).toEqual(['from-body', 'from-header', 'sent']);
    });

    it('maps an error answer without a problem document by its status', async () => {
      server.script({ status: 502, body: '<html>Bad Gateway</html>' });
      const error = await coreFor()
        .call(pokePart)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).toMatchObject({
        status: 502,
        code: 'DEPENDENCY_UNAVAILABLE',
        detail: '<html>Bad Gateway</html>',
      });
    });

    it('reports a connection failure as unavailable with no status', async () => {
      const closed = await startScriptedHttpServer();
      await closed.close();
      const error = await new CpaHttpCore({ baseUrl: closed.url, authHeaders: () => ({}) })
        .call(pokePart)
        .catch((caught: unknown) => caught);
      expect(isUnavailableError(error)).toBe(true);
      expect(error).toMatchObject({ status: undefined, code: 'DEPENDENCY_UNAVAILABLE', retryable: true });
    });

    it('reports a timeout as unavailable, per client and per call', async () => {
      server.script({ status: 202, body: part, delayMs: 500 });
      await expect(coreFor({ timeoutMs: 50 }).call(pokePart)).rejects.toMatchObject({
        name: 'UnavailableError',
        status: undefined,
      });
      await expect(coreFor().call(pokePart, { timeoutMs: 50 })).rejects.toMatchObject({
        name: 'UnavailableError',
        status: undefined,
      });
    });
  });

  describe('retries', () => {
    const unavailable = { status: 503, body: problem('DEPENDENCY_UNAVAILABLE') };

    it('retries a GET after a 503 and returns the later answer', async () => {
      server.script(unavailable, { status: 200, body: part });
      await expect(coreFor().call(getPart, readPart)).resolves.toMatchObject({ part_id: 'p-1' });
      expect(server.requests).toHaveLength(2);
      expect(sleeps).toEqual([100]);
    });

    it('gives up after the configured attempts, backing off exponentially with jitter', async () => {
      server.script(unavailable);
      const core = coreFor({
        retry: {
          maxAttempts: 4,
          baseDelayMs: 100,
          sleep: async (ms) => void sleeps.push(ms),
          random: () => 0.5,
        },
      });
      await expect(core.call(getPart, readPart)).rejects.toBeInstanceOf(UnavailableError);
      expect(server.requests).toHaveLength(4);
      expect(sleeps).toEqual([50, 100, 200]);
    });

    it.each([502, 504])('retries a DELETE after a %i', async (status) => {
      server.script({ status }, { status: 204 });
      await coreFor().call(deletePart, { params: { part_id: 'p-1' } });
      expect(server.requests).toHaveLength(2);
    });

    it('waits as long as Retry-After asks after a 429', async () => {
      server.script(
        { status: 429, body: problem('RATE_LIMITED'), headers: { 'retry-after': '2' } },
        { status: 200, body: part },
      );
      await coreFor().call(getPart, readPart);
      expect(sleeps).toEqual([2000]);
    });

    it('surfaces a 429 whose Retry-After is longer than the policy waits', async () => {
      server.script({ status: 429, body: problem('RATE_LIMITED'), headers: { 'retry-after': '120' } });
      await expect(coreFor().call(getPart, readPart)).rejects.toMatchObject({
        name: 'RateLimitedError',
        retryAfterMs: 120_000,
      });
      expect(server.requests).toHaveLength(1);
    });

    it('does not retry a POST, which may have been applied', async () => {
      server.script(unavailable);
      await expect(coreFor().call(createPart, { body: { size: 1 } })).rejects.toBeInstanceOf(
        UnavailableError,
      );
      expect(server.requests).toHaveLength(1);
    });

    it('does not retry a POST after a lost connection either', async () => {
      server.script({ status: 202, body: part, delayMs: 500 });
      await expect(coreFor({ timeoutMs: 50 }).call(pokePart)).rejects.toBeInstanceOf(UnavailableError);
      expect(server.requests).toHaveLength(1);
    });

    it('retries a POST the caller vouches for, and not a GET the caller forbids', async () => {
      server.script(unavailable, { status: 201, body: part });
      await coreFor().call(createPart, { body: { size: 1 }, idempotent: true });
      expect(server.requests).toHaveLength(2);
      server.script(unavailable);
      await expect(coreFor().call(getPart, { ...readPart, idempotent: false })).rejects.toBeInstanceOf(
        UnavailableError,
      );
      expect(server.requests).toHaveLength(3);
    });

    it('retries a POST the client declares idempotent', async () => {
      server.script(unavailable, { status: 202, body: part });
      await coreFor({ idempotentPosts: new Set([pokePart]) }).call(pokePart);
      expect(server.requests).toHaveLength(2);
    });

    it.each([
      [409, 'INVALID_TRANSITION'],
      [404, 'NOT_FOUND'],
      [400, 'VALIDATION_FAILED'],
      [500, 'INTERNAL_ERROR'],
    ] as const)('never retries a %i', async (status, code) => {
      server.script({ status, body: problem(code) });
      await expect(coreFor().call(getPart, readPart)).rejects.toMatchObject({ status });
      expect(server.requests).toHaveLength(1);
    });

    it('does not retry an off-contract answer', async () => {
      server.script({ status: 200, body: { wrong: true } });
      await expect(coreFor().call(getPart, readPart)).rejects.toBeInstanceOf(ContractViolationError);
      expect(server.requests).toHaveLength(1);
    });
  });
});
