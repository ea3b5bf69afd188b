import {
  ConflictError,
  InvalidError,
  NotFoundError,
  startStubHttpServer,
  type StubHttpServer,
  type StubRequest,
  type StubResponse,
  UnauthorizedError,
  UnavailableError,
} from '@lcm/integrations/http';
import { GradingHttpAdapter } from './grading.http-adapter';
import { clientCredentialsTokenIssuer, staticTokenIssuer } from './grading.token';

const PART = 'Exam ENCOR/Lab 1.3';
const ENCODED_PART = encodeURIComponent(PART);
const session = (overrides: object = {}) => ({
  id: 'ls-1',
  candidateId: 'cand-7',
  createdAt: '2026-01-01T00:00:00Z',
  lds: { id: 'lds-1', environment: 'us-east-1' },
  status: 'Active',
  parts: [{ id: PART, status: 'Ready', pod: { id: 'ls-1', devices: [] }, scoreReport: null }],
  ...overrides,
});
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

describe('GradingHttpAdapter', () => {
  let server: StubHttpServer;
  let routes: Record<string, (request: StubRequest) => StubResponse>;

  const adapter = () =>
    new GradingHttpAdapter({ baseUrl: server.url, issueToken: staticTokenIssuer('engine-token') }, { logger: silent, sleep: async () => undefined });

  beforeAll(async () => {
    server = await startStubHttpServer((request) => {
      if (request.path === '/realms/mozart/protocol/openid-connect/token') return routes['TOKEN']?.(request) ?? { status: 404 };
      if (request.headers['authorization'] !== 'Bearer engine-token') return { status: 401 };
      const route = routes[`${request.method} ${request.path}`];
      return route ? route(request) : { status: 404, body: { title: 'Not Found', status: 404 } };
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    routes = {};
  });

  it('creates a session with Accept: application/json and parses it', async () => {
    routes['POST /api/v1/sessions'] = () => ({ status: 200, body: session() });
    const created = await adapter().createSession({
      id: 'ls-1',
      candidateId: 'cand-7',
      lds: { id: 'lds-1', environment: 'us-east-1' },
      parts: [{ id: PART, pod: { id: 'ls-1', devices: [] } }],
    });
    expect(created).toMatchObject({ id: 'ls-1', parts: [{ id: PART, status: 'Ready' }] });
    const [request] = server.requests;
    expect(request?.headers['accept']).toBe('application/json');
    expect(JSON.parse(request?.bodyText ?? '')).toMatchObject({ id: 'ls-1', candidateId: 'cand-7' });
  });

  it('URL-encodes part ids that contain spaces and slashes', async () => {
    routes[`PUT /api/v1/sessions/ls-1/parts/${ENCODED_PART}/pod`] = () => ({ status: 200, body: session() });
    await adapter().replacePod('ls-1', PART, { id: 'ls-1', devices: [] });
    expect(server.requests[0]?.path).toBe(`/api/v1/sessions/ls-1/parts/${ENCODED_PART}/pod`);
  });

  it('triggers grading with the recollect flag and accepts 202 without a body', async () => {
    routes[`POST /api/v1/sessions/ls-1/parts/${ENCODED_PART}/grade`] = () => ({ status: 202 });
    await adapter().gradePart('ls-1', PART, { recollect: true });
    expect(server.requests[0]?.query.get('recollect')).toBe('true');
  });

  it('does not repeat a grade request that failed with 503', async () => {
    routes[`POST /api/v1/sessions/ls-1/parts/${ENCODED_PART}/grade`] = () => ({ status: 503 });
    await expect(adapter().gradePart('ls-1', PART)).rejects.toBeInstanceOf(UnavailableError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a session read after a 503 and returns the score report', async () => {
    let calls = 0;
    routes['GET /api/v1/sessions/ls-1'] = () =>
      ++calls === 1
        ? { status: 503 }
        : {
            status: 200,
            body: session({
              parts: [{ id: PART, status: 'Graded', scoreReport: { generation: 1, revision: 2, score: 8, maxScore: 10, sections: [{ score: 8, maxScore: 10 }] } }],
            }),
          };
    const read = await adapter().getSession('ls-1');
    expect(read.parts[0]?.scoreReport).toMatchObject({ score: 8, maxScore: 10, revision: 2 });
    expect(calls).toBe(2);
  });

  it('maps RFC 7807 problems to typed errors', async () => {
    const problem = (status: number, title: string) => () => ({ status, body: { title, status, errors: { 'parts[0].pod': ['no pod'] } } });
    routes[`POST /api/v1/sessions/ls-1/parts/${ENCODED_PART}/submit`] = problem(422, 'Part never graded');
    routes['POST /api/v1/sessions/parts'] = problem(409, 'Part exists');
    routes[`DELETE /api/v1/sessions/ls-1/parts/${ENCODED_PART}`] = problem(404, 'Unknown part');
    const client = adapter();
    await expect(client.submitPart('ls-1', PART)).rejects.toBeInstanceOf(InvalidError);
    await expect(client.addPart('ls-1', { id: PART })).rejects.toBeInstanceOf(ConflictError);
    await expect(client.removePart('ls-1', PART)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('maps 403 to UnauthorizedError', async () => {
    routes['DELETE /api/v1/sessions/ls-1/parts/x/pod'] = () => ({ status: 403 });
    await expect(adapter().detachPod('ls-1', 'x')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('reads the ruleset as XML and the score view as text', async () => {
    routes[`GET /api/v1/sessions/parts/${ENCODED_PART}/ruleset/grading/rules`] = () => ({ status: 200, body: '<Ruleset/>', headers: { 'Content-Type': 'application/xml' } });
    routes['GET /api/v1/sessions/ls-1/score/view'] = () => ({ status: 200, body: '<html/>', headers: { 'Content-Type': 'text/html' } });
    const client = adapter();
    await expect(client.getGradingRules(PART)).resolves.toBe('<Ruleset/>');
    expect(server.requests[0]?.headers['accept']).toBe('application/xml');
    await expect(client.getScoreView('ls-1')).resolves.toBe('<html/>');
  });

  it('sends toolkit synchronisation and scoring requirements as documented', async () => {
    routes['POST /api/v1/sessions/parts/ruleset/grading/synchronize'] = () => ({ status: 204 });
    routes['PUT /api/v1/sessions/parts/ruleset/scoring'] = () => ({ status: 204 });
    const client = adapter();
    await client.synchronizeGradingToolkit(PART);
    await client.setScoringRequirements(PART, { rereadScore: 2, cutScore: 7, minScore: 0 });
    expect(server.requests.map((request) => JSON.parse(request.bodyText))).toEqual([
      { partId: PART },
      { partId: PART, scoringRequirements: { rereadScore: 2, cutScore: 7, minScore: 0 } },
    ]);
  });

  it('obtains the bearer token with the client-credentials grant', async () => {
    routes['TOKEN'] = (request) =>
      request.bodyText.includes('grant_type=client_credentials') && request.bodyText.includes('client_id=lcm')
        ? { status: 200, body: { access_token: 'engine-token', expires_in: 300 } }
        : { status: 400 };
    const issue = clientCredentialsTokenIssuer(
      { tokenUrl: `${server.url}/realms/mozart/protocol/openid-connect/token`, clientId: 'lcm', clientSecret: 's3', logger: silent },
      () => 1_000,
    );
    await expect(issue()).resolves.toEqual({ value: 'engine-token', expiresAtMs: 301_000 });
  });
});
