import {
  InvalidError,
  NotFoundError,
  startStubHttpServer,
  type StubHttpServer,
  type StubRequest,
  type StubResponse,
  UnavailableError,
} from '@lcm/integrations/http';
import { type LdsDeployment } from './lds.deployments';
import { LdsHttpAdapter, LdsHttpDeployments } from './lds.http-adapter';

const SESSION_ID = '3e27515a-8ab5-4424-92d3-dcacca1d12c9';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

describe('LdsHttpAdapter', () => {
  let server: StubHttpServer;
  let routes: Record<string, (request: StubRequest) => StubResponse>;

  const deployment = (overrides: Partial<LdsDeployment> = {}): LdsDeployment => ({
    base_url: server.url,
    username: 'lcm',
    password: 'pw',
    timeout_seconds: 5,
    ...overrides,
  });
  const adapter = (overrides: Partial<LdsDeployment> = {}) =>
    new LdsHttpAdapter(deployment(overrides), { logger: silent, sleep: async () => undefined });
  const requestsTo = (path: string) => server.requests.filter((request) => request.path === `/reservations/v3${path}`);

  beforeAll(async () => {
    server = await startStubHttpServer((request) => {
      if (request.headers['authorization'] !== `Basic ${Buffer.from('lcm:pw').toString('base64')}`) return { status: 401 };
      const route = routes[`${request.method} ${request.path.replace('/reservations/v3', '')}`];
      return route ? route(request) : { status: 404, body: { detail: 'session not found' } };
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    routes = {};
  });

  it('creates a session with one part using HTTP Basic and the documented body', async () => {
    routes['POST /lab_session'] = () => ({ status: 201, body: { session_id: SESSION_ID, state: 'SESSION_PENDING' } });
    await expect(
      adapter().createSessionWithPart({
        username: 'cand-7',
        timeslot_start: new Date('2026-05-04T09:30:00Z'),
        form_qualified_name: 'Exam CCNP ENCOR v1.1 LAB 1.3',
      }),
    ).resolves.toEqual({ session_id: SESSION_ID });
    expect(JSON.parse(requestsTo('/lab_session')[0]?.bodyText ?? '')).toEqual({
      origin: 'lablet-cloud-manager',
      auth_id: 'cand-7',
      auth_id_type: 'ordered_session',
      candidate_id: 'cand-7',
      location: 'cloud',
      timezone_offset: 0,
      first_name: 'cand-7',
      last_name: 'cand-7',
      rack_group: 'LCM',
      rack_number: 1,
      scheduled_date: '2026-05-04',
      session_parts: [{ repository_type: 'minio', form_qualified_name: 'Exam CCNP ENCOR v1.1 LAB 1.3' }],
    });
  });

  it('does not repeat a create that failed with 503 (a retry could create a second session)', async () => {
    routes['POST /lab_session'] = () => ({ status: 503 });
    await expect(
      adapter().createSessionWithPart({ username: 'u', timeslot_start: new Date(), form_qualified_name: 'f' }),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(requestsTo('/lab_session')).toHaveLength(1);
  });

  it('replaces the devices of part 1', async () => {
    const devices = [{ device_label: 'r1', protocol: 'telnet', host: '54.1.2.3', port: 5041 }];
    routes[`PUT /lab_session/${SESSION_ID}/part/1/devices`] = (request) => ({ status: 200, body: JSON.parse(request.bodyText) });
    await expect(adapter().setDevices(SESSION_ID, devices)).resolves.toEqual(devices);
  });

  it('maps a 422 device rejection to InvalidError with the field named', async () => {
    routes[`PUT /lab_session/${SESSION_ID}/part/2/devices`] = () => ({ status: 422, body: { detail: 'protocol: unknown value ftp' } });
    const failure = adapter().setDevices(SESSION_ID, [{ device_label: 'r1', protocol: 'ftp', host: 'h' }], 2);
    await expect(failure).rejects.toBeInstanceOf(InvalidError);
    await expect(failure).rejects.toThrow('protocol: unknown value ftp');
  });

  it('reads a session and maps 404 to NotFoundError', async () => {
    routes[`GET /lab_session/${SESSION_ID}`] = () => ({
      status: 200,
      body: { id: SESSION_ID, state: 'SESSION_PENDING', session_parts: [{ form_qualified_name: 'f', extra: 1 }] },
    });
    await expect(adapter().getSession(SESSION_ID)).resolves.toEqual({
      id: SESSION_ID,
      state: 'SESSION_PENDING',
      session_parts: [{ form_qualified_name: 'f' }],
    });
    await expect(adapter().getSession('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rewrites the launch URL to the public frontend address when configured', async () => {
    routes[`GET /lab_session/${SESSION_ID}/lablet_launch_url`] = () => ({ status: 200, body: { url: `${server.url}/lablet/launch?token=abc` } });
    await expect(adapter().getLaunchUrl(SESSION_ID)).resolves.toBe(`${server.url}/lablet/launch?token=abc`);
    await expect(adapter({ frontend_base_url: 'https://labs.example.com' }).getLaunchUrl(SESSION_ID)).resolves.toBe(
      'https://labs.example.com/lablet/launch?token=abc',
    );
  });

  it('releases with an empty JSON object body', async () => {
    routes[`POST /lab_session/${SESSION_ID}/release`] = (request) =>
      request.headers['content-type'] === 'application/json' && request.bodyText === '{}' ? { status: 200, body: {} } : { status: 415 };
    await expect(adapter().releaseSession(SESSION_ID)).resolves.toBeUndefined();
  });

  it('retries a throttled read and then succeeds', async () => {
    let calls = 0;
    routes[`GET /lab_session/${SESSION_ID}`] = () =>
      ++calls < 3 ? { status: 429 } : { status: 200, body: { id: SESSION_ID, state: 'SESSION_RUNNING' } };
    await expect(adapter().getSession(SESSION_ID)).resolves.toMatchObject({ state: 'SESSION_RUNNING', session_parts: [] });
    expect(calls).toBe(3);
  });

  it('URL-encodes the form name when refreshing content', async () => {
    routes['PUT /lab_folder/minio/Exam%20A%2FLab%201'] = () => ({ status: 200, body: { Version: '3', Size: 1024 } });
    await expect(adapter().refreshFormContent('Exam A/Lab 1')).resolves.toEqual({ Version: '3', Size: 1024 });
  });
});

describe('LdsHttpDeployments', () => {
  it('uses one adapter per region and falls back to the default region', () => {
    const deployments = new LdsHttpDeployments({
      default_region: 'us-east-1',
      deployments: {
        'us-east-1': { base_url: 'http://lds-us.test', username: 'u', password: 'p', timeout_seconds: 30 },
        'eu-west-1': { base_url: 'http://lds-eu.test', username: 'u', password: 'p', timeout_seconds: 30 },
      },
    });
    const eu = deployments.forRegion('eu-west-1');
    expect(eu.region).toBe('eu-west-1');
    expect(deployments.forRegion('eu-west-1').client).toBe(eu.client);
    expect(deployments.forRegion('ap-south-1').region).toBe('us-east-1');
    expect(deployments.forRegion(undefined).region).toBe('us-east-1');
  });
});
