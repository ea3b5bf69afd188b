import {
  allRoutes,
  apiContract,
  ERROR_HTTP_STATUS,
  INTERNAL_ACTOR_HEADER,
  INTERNAL_API_KEY_HEADER,
  type LabletSession,
  problemTypeUri,
  type Route,
} from '@lcm/contracts';
import { type RouteTable } from './bind-routes';
import { ControlPlaneApiClient, controlPlaneApiRoutes } from './control-plane-api.client';
import { isConflictError, UnavailableError } from './errors';
import { PublicApiClient, publicApiRoutes } from './public-api.client';
import { type ScriptedHttpServer, startScriptedHttpServer } from './testing/scripted-http-server';

const sessionId = '3e27515a-8ab5-4424-92d3-dcacca1d12c9';
const workerId = '7d9e2f4a-1b3c-4d5e-8f60-718293a4b5c6';
const templateId = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const emptyPage = { items: [], next_cursor: null };
const unavailable = {
  status: 503,
  body: {
    type: problemTypeUri('DEPENDENCY_UNAVAILABLE'),
    title: 'unavailable',
    status: 503,
    code: 'DEPENDENCY_UNAVAILABLE',
  },
};
const noWait = { sleep: async () => undefined, random: () => 0 };

const boundRoutes = (groups: Record<string, RouteTable>): Route[] =>
  Object.values(groups).flatMap((table) => Object.values(table));

describe('ControlPlaneApiClient', () => {
  let server: ScriptedHttpServer;
  let client: ControlPlaneApiClient;

  beforeEach(async () => {
    server = await startScriptedHttpServer();
    client = new ControlPlaneApiClient({
      baseUrl: server.url,
      apiKey: 'key-1',
      actor: 'lablet-controller',
      retry: noWait,
    });
  });
  afterEach(() => server.close());

  it('has one method per internal route', () => {
    const bound = boundRoutes(controlPlaneApiRoutes);
    expect(new Set(bound).size).toBe(bound.length);
    expect(new Set(bound)).toEqual(new Set(allRoutes().filter((route) => route.auth === 'internal')));
  });

  it('sends the API key and names the controller as actor', async () => {
    server.script({ status: 200, body: emptyPage });
    await expect(
      client.sessions.list({ query: { status: ['PENDING', 'SCHEDULED'], worker_id: workerId } }),
    ).resolves.toEqual(emptyPage);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      rawUrl: `/api/internal/sessions?status=PENDING&status=SCHEDULED&worker_id=${workerId}`,
      headers: { [INTERNAL_API_KEY_HEADER]: 'key-1', [INTERNAL_ACTOR_HEADER]: 'lablet-controller' },
    });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('does not retry a scale-up request, which could create a second worker', async () => {
    server.script(unavailable);
    const request = {
      body: { template_id: templateId, reason: 'no capacity', lablet_session_id: sessionId },
    };
    await expect(client.workers.requestScaleUp(request)).rejects.toBeInstanceOf(UnavailableError);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      path: '/api/internal/workers/scale-up',
      bodyText: JSON.stringify(request.body),
    });
  });

  it('retries expire, which the spec makes a no-op when repeated', async () => {
    const terminal = {
      type: problemTypeUri('INVALID_TRANSITION'),
      title: 'terminal',
      status: ERROR_HTTP_STATUS.INVALID_TRANSITION,
      code: 'INVALID_TRANSITION',
    };
    server.script(unavailable, { status: 409, body: terminal });
    const error = await client.sessions
      .expire({ params: { lablet_session_id: sessionId }, body: { reason: 'no_show' } })
      .catch((caught: unknown) => caught);
    expect(isConflictError(error) && error.isInvalidTransition).toBe(true);
    expect(server.requests.map((request) => request.path)).toEqual([
      `/api/internal/sessions/${sessionId}/expire`,
      `/api/internal/sessions/${sessionId}/expire`,
    ]);
  });

  it('answers undefined for a bodiless success', async () => {
    server.script({ status: 204 });
    await expect(
      client.workers.clearLabDiscoveryRequest({ params: { worker_id: workerId } }),
    ).resolves.toBeUndefined();
    expect(server.requests[0]).toMatchObject({
      method: 'DELETE',
      path: `/api/internal/workers/${workerId}/discover-labs`,
    });
  });

  it('calls any internal route through call()', async () => {
    server.script({ status: 202, body: { worker_id: workerId } });
    const body = { template_id: templateId, reason: 'warm pool' };
    await expect(client.call(apiContract.internal.workers.scaleUp, { body })).resolves.toEqual({
      worker_id: workerId,
    });
  });

  it('derives every input and result from the route (checked by tsc)', () => {
    const typed = async (): Promise<LabletSession> => {
      // @ts-expect-error the controllers' API key does not open public routes
      await client.call(apiContract.public.system.getSystemHealth);
      // @ts-expect-error the path param is required
      await client.sessions.get();
      // @ts-expect-error the body is required
      await client.sessions.schedule({ params: { lablet_session_id: sessionId } });
      // @ts-expect-error the body has no such field
      await client.workers.drain({ params: { worker_id: workerId }, body: { why: 'idle' } });
      return client.sessions.schedule({
        params: { lablet_session_id: sessionId },
        body: { worker_id: workerId },
      });
    };
    expect(typed).toBeInstanceOf(Function);
  });
});

describe('PublicApiClient', () => {
  let server: ScriptedHttpServer;

  beforeEach(async () => {
    server = await startScriptedHttpServer();
  });
  afterEach(() => server.close());

  it('binds every public route of the contract, each once', () => {
    const bound = boundRoutes(publicApiRoutes);
    expect(new Set(bound).size).toBe(bound.length);
    expect(new Set(bound)).toEqual(new Set(allRoutes().filter((route) => route.auth === 'public')));
  });

  it('sends the bearer token of the provider, read before every attempt', async () => {
    let issued = 0;
    const client = new PublicApiClient({
      baseUrl: server.url,
      accessToken: async () => `token-${++issued}`,
      retry: noWait,
    });
    const health = { status: 'ok', checked_at: '2026-04-09T16:36:44.266Z', components: [] };
    server.script(unavailable, { status: 200, body: health });
    await expect(client.system.health()).resolves.toEqual(health);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(server.requests[0]?.headers[INTERNAL_API_KEY_HEADER]).toBeUndefined();
  });

  it('posts a manual transition to the public route', async () => {
    const client = new PublicApiClient({ baseUrl: server.url, accessToken: () => 'token', retry: noWait });
    server.script(unavailable);
    const body = { target_status: 'STOPPING', reason: 'operator' } as const;
    await expect(
      client.sessions.transition({ params: { lablet_session_id: sessionId }, body }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: `/api/v1/sessions/${sessionId}/transition`,
      bodyText: JSON.stringify(body),
    });
  });
});
