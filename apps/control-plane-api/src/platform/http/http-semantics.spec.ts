import Fastify from 'fastify';
import { allRoutes } from '@lcm/contracts';
import { installHttpSemantics } from './http-semantics';

/** The hook on a plain Fastify with no handlers: what it does not answer falls through to 404. */
describe('405 and Allow for the resource a path names', () => {
  const fastify = Fastify();
  installHttpSemantics(fastify, allRoutes());
  let base = '';
  const call = async (method: string, path: string) => {
    const answer = await fetch(base + path, { method });
    return { status: answer.status, allow: answer.headers.get('allow') };
  };
  beforeAll(async () => {
    base = await fastify.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => fastify.close());

  it('names the static resource, not a sibling template with a placeholder (schemathesis ST204, ST205)', async () => {
    // `/lab-records/import` is also `/lab-records/:lab_record_id` (GET) by shape; the document lists POST only.
    expect(await call('OPTIONS', '/api/v1/lab-records/import')).toEqual({ status: 204, allow: 'POST' });
    expect(await call('PATCH', '/api/internal/workers/import')).toEqual({ status: 405, allow: 'POST' });
  });

  it('leaves declared methods and unknown paths to the router', async () => {
    const id = '0b7a4a9e-3c52-4e0b-9d6c-6d0f2f1b8a11';
    expect((await call('GET', `/api/v1/lab-records/${id}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/no-such-resource')).status).toBe(404);
    expect(await call('OPTIONS', `/api/v1/workers/${id}`)).toEqual({
      status: 204,
      allow: 'DELETE, GET',
    });
  });
});
