import {
  ConflictError,
  type IntegrationLogger,
  NotFoundError,
  startStubHttpServer,
  type StubHttpServer,
  type StubRequest,
  type StubResponse,
  UnauthorizedError,
  UnavailableError,
} from '@lcm/integrations/http';
import { CmlHttpAdapter } from './cml.http-adapter';

const LAB_ID = '90f84e38-a71c-4d57-8d90-00fa8a197385';
const NODE_ID = '1b9c1c4e-6f1a-4d0e-9a55-0c2b1f1d2e3f';

type Routes = Record<string, (request: StubRequest) => StubResponse>;

describe('CmlHttpAdapter', () => {
  let server: StubHttpServer;
  let routes: Routes;
  let issuedTokens: number;
  let validToken: string;
  const warnings: object[] = [];
  const logger: IntegrationLogger = { debug: () => undefined, info: () => undefined, warn: (details) => warnings.push(details) };

  const adapter = (password = 'secret') =>
    new CmlHttpAdapter(
      { baseUrl: `${server.url}/api/v0`, username: 'admin', password, verifyTls: false },
      { logger, sleep: async () => undefined, random: () => 0 },
    );

  const requestsTo = (path: string) => server.requests.filter((request) => request.path === `/api/v0${path}`);

  beforeAll(async () => {
    server = await startStubHttpServer((request) => {
      const path = request.path.replace(/^\/api\/v0/, '');
      if (request.method === 'POST' && path === '/authenticate') {
        const credentials = JSON.parse(request.bodyText) as { username: string; password: string };
        if (credentials.password !== 'secret') return { status: 403, body: { code: 403, description: 'Authentication failed!' } };
        validToken = `jwt-${++issuedTokens}`;
        return { status: 200, body: JSON.stringify(validToken) };
      }
      const route = routes[`${request.method} ${path}`];
      if (!route) return { status: 404, body: { code: 404, description: `no route ${request.method} ${path}` } };
      const needsAuth = path !== '/system_information';
      if (needsAuth && request.headers['authorization'] !== `Bearer ${validToken}`) return { status: 401, body: { code: 401, description: 'expired' } };
      return route(request);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    warnings.length = 0;
    issuedTokens = 0;
    validToken = '';
    routes = {};
  });

  it('reads system information without logging in', async () => {
    routes['GET /system_information'] = () => ({ status: 200, body: { version: '2.9.0', ready: true, allow_ssh_pubkey_auth: false, oui: null } });
    await expect(adapter().getSystemInformation()).resolves.toMatchObject({ version: '2.9.0', ready: true });
    expect(requestsTo('/authenticate')).toHaveLength(0);
  });

  it('logs in once and reuses the cached token', async () => {
    routes['GET /labs'] = () => ({ status: 200, body: [LAB_ID] });
    const client = adapter();
    await client.listLabIds();
    await client.listLabIds();
    expect(requestsTo('/authenticate')).toHaveLength(1);
    expect(requestsTo('/labs').map((request) => request.query.get('show_all'))).toEqual(['true', 'true']);
  });

  it('re-authenticates once when the controller expires the token, then replays the request', async () => {
    routes['GET /labs'] = () => ({ status: 200, body: [LAB_ID] });
    const client = adapter();
    await client.listLabIds();
    validToken = 'rotated-on-server';
    await expect(client.listLabIds()).resolves.toEqual([LAB_ID]);
    expect(requestsTo('/authenticate')).toHaveLength(2);
  });

  it('maps rejected credentials (CML answers 403) to UnauthorizedError without calling the endpoint', async () => {
    routes['GET /labs'] = () => ({ status: 200, body: [] });
    await expect(adapter('wrong').listLabIds()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(requestsTo('/labs')).toHaveLength(0);
  });

  it('sums node counts and allocations over every compute host', async () => {
    const dominfo = (total: number, running: number) => ({
      total_nodes: total,
      total_orphans: 0,
      running_nodes: running,
      running_orphans: null,
      allocated_cpus: running * 2,
      allocated_memory: running * 1024,
    });
    const usage = { used: 10, free: 90, total: 100 };
    routes['GET /system_stats'] = () => ({
      status: 200,
      body: {
        computes: {
          'c-1': { hostname: 'cml', is_controller: true, stats: { cpu: { count: 8, percent: 5 }, memory: usage, disk: usage, dominfo: dominfo(4, 3) } },
          'c-2': { hostname: 'cmp', is_controller: false, stats: { cpu: { count: 8, percent: 7 }, memory: usage, disk: usage, dominfo: dominfo(2, 1) } },
        },
        all: { cpu: { count: 16, percent: 6 }, memory: { used: 20, free: 180, total: 200 }, disk: { used: 20, free: 180, total: 200 } },
        controller: { disk: usage },
      },
    });
    await expect(adapter().getSystemStats()).resolves.toEqual({
      compute_count: 2,
      cpu: { count: 16, percent: 6 },
      memory: { used: 20, free: 180, total: 200 },
      disk: { used: 20, free: 180, total: 200 },
      nodes: { total: 6, running: 4, total_orphans: 0, running_orphans: 0 },
      allocated_cpus: 8,
      allocated_memory_kib: 4096,
    });
  });

  it('keeps telemetry categories that the OAS does not enumerate', async () => {
    routes['GET /telemetry/events'] = () => ({
      status: 200,
      body: [{ category: 'wipe_lab', timestamp: '2026-01-01T00:00:00Z', data: { lab_id: LAB_ID } }],
    });
    await expect(adapter().getTelemetryEvents()).resolves.toEqual([
      { category: 'wipe_lab', timestamp: '2026-01-01T00:00:00Z', data: { lab_id: LAB_ID } },
    ]);
  });

  it('parses an unknown lab state as UNKNOWN and logs it', async () => {
    routes[`GET /labs/${LAB_ID}`] = () => ({
      status: 200,
      body: { id: LAB_ID, lab_title: 'Lab', state: 'BOOTED', effective_permissions: ['lab_admin'], new_field: 1 },
    });
    await expect(adapter().getLab(LAB_ID)).resolves.toMatchObject({ id: LAB_ID, state: 'UNKNOWN' });
    expect(warnings).toContainEqual(expect.objectContaining({ field: 'lab.state', rawValue: 'BOOTED' }));
  });

  it('lists labs with details and leaves out labs deleted meanwhile', async () => {
    const other = '5a0b2d3c-1e2f-4a5b-8c6d-7e8f9a0b1c2d';
    routes['GET /labs'] = () => ({ status: 200, body: [LAB_ID, other] });
    routes[`GET /labs/${LAB_ID}`] = () => ({ status: 200, body: { id: LAB_ID, lab_title: 'A', state: 'STARTED', effective_permissions: [] } });
    await expect(adapter().listLabs()).resolves.toEqual([expect.objectContaining({ id: LAB_ID, state: 'STARTED' })]);
  });

  it('reads the cheap state and convergence polls', async () => {
    routes[`GET /labs/${LAB_ID}/state`] = () => ({ status: 200, body: '"STOPPED"' });
    routes[`GET /labs/${LAB_ID}/check_if_converged`] = () => ({ status: 200, body: 'true' });
    const client = adapter();
    await expect(client.getLabState(LAB_ID)).resolves.toBe('STOPPED');
    await expect(client.isLabConverged(LAB_ID)).resolves.toBe(true);
  });

  it('imports the topology YAML unchanged with the title override', async () => {
    routes['POST /import'] = () => ({ status: 200, body: { id: LAB_ID, warnings: null } });
    const yaml = 'lab:\n  title: t\n  version: 0.3.0\nnodes: []\n';
    await expect(adapter().importLab(yaml, { title: 'session-42' })).resolves.toEqual({ id: LAB_ID, warnings: [] });
    const [request] = requestsTo('/import');
    expect(request?.bodyText).toBe(yaml);
    expect(request?.query.get('title')).toBe('session-42');
  });

  it('surfaces a 503 on import without a second attempt (it would create a second lab)', async () => {
    routes['POST /import'] = () => ({ status: 503 });
    await expect(adapter().importLab('nodes: []')).rejects.toBeInstanceOf(UnavailableError);
    expect(requestsTo('/import')).toHaveLength(1);
  });

  it('retries an idempotent lifecycle call after a 503', async () => {
    let calls = 0;
    routes[`PUT /labs/${LAB_ID}/stop`] = () => (++calls === 1 ? { status: 503 } : { status: 204 });
    await adapter().stopLab(LAB_ID);
    expect(calls).toBe(2);
  });

  it('maps wrong-state rejections of lifecycle calls to ConflictError and unknown labs to NotFoundError', async () => {
    routes[`PUT /labs/${LAB_ID}/wipe`] = () => ({ status: 400, body: { code: 400, description: 'Lab is running' } });
    routes[`DELETE /labs/${LAB_ID}`] = () => ({ status: 404, body: { code: 404, description: 'Lab not found' } });
    routes[`PUT /labs/${LAB_ID}/start`] = () => ({ status: 204 });
    const client = adapter();
    await expect(client.wipeLab(LAB_ID)).rejects.toBeInstanceOf(ConflictError);
    await expect(client.deleteLab(LAB_ID)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.startLab(LAB_ID)).resolves.toBeUndefined();
  });

  it('downloads the topology as raw YAML text', async () => {
    routes[`GET /labs/${LAB_ID}/download`] = () => ({ status: 200, body: 'lab:\n  title: x\n', headers: { 'Content-Type': 'application/x-yaml' } });
    await expect(adapter().downloadLab(LAB_ID)).resolves.toBe('lab:\n  title: x\n');
  });

  it('lists nodes with operational data in one call', async () => {
    routes[`GET /labs/${LAB_ID}/nodes`] = () => ({
      status: 200,
      body: [
        {
          id: NODE_ID,
          label: 'ubuntu-desktop',
          node_definition: 'ubuntu',
          x: 0,
          y: 0,
          cpus: 2,
          tags: ['serial:5042', 'vnc:5044'],
          state: 'BOOTED',
          boot_progress: 'Booted',
          operational: { compute_id: 'c-1', vnc_key: 'k' },
        },
      ],
    });
    const [node] = await adapter().listNodes(LAB_ID);
    expect(node).toMatchObject({ label: 'ubuntu-desktop', tags: ['serial:5042', 'vnc:5044'], state: 'BOOTED', operational: { compute_id: 'c-1' } });
    const [request] = requestsTo(`/labs/${LAB_ID}/nodes`);
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ data: 'true', operational: 'true', exclude_configurations: 'true' });
  });

  it('extracts a configuration and reads it back normalised to a file list', async () => {
    routes[`PUT /labs/${LAB_ID}/nodes/${NODE_ID}/extract_configuration`] = () => ({ status: 200, body: {} });
    routes[`GET /labs/${LAB_ID}/nodes/${NODE_ID}`] = () => ({
      status: 200,
      body: { id: NODE_ID, label: 'r1', node_definition: 'iosv', x: 0, y: 0, cpus: 1, configuration: 'hostname r1' },
    });
    const client = adapter();
    await client.extractConfiguration(LAB_ID, NODE_ID);
    await expect(client.getNodeConfiguration(LAB_ID, NODE_ID)).resolves.toEqual([{ name: 'Main', content: 'hostname r1' }]);
    expect(requestsTo(`/labs/${LAB_ID}/nodes/${NODE_ID}`)[0]?.query.get('exclude_configurations')).toBe('false');
  });

  it('maps extraction from a node that is not booted to ConflictError', async () => {
    routes[`PUT /labs/${LAB_ID}/nodes/${NODE_ID}/extract_configuration`] = () => ({ status: 400, body: { code: 400, description: 'not booted' } });
    await expect(adapter().extractConfiguration(LAB_ID, NODE_ID)).rejects.toBeInstanceOf(ConflictError);
  });

  it('maps the 400 CML returns for an unknown node to NotFoundError', async () => {
    routes[`GET /labs/${LAB_ID}/nodes/${NODE_ID}`] = () => ({ status: 400, body: { code: 400, description: 'Node not found' } });
    await expect(adapter().getNodeConfiguration(LAB_ID, NODE_ID)).rejects.toBeInstanceOf(NotFoundError);
  });
});
