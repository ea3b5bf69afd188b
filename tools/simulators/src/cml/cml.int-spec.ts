import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cmlContract, http, SHARED_DATA_DIR, type HttpResult } from '../kit/contract';
import { startCmlFleetSimulator, type CmlFleetSimulator } from './server';

const SAMPLE = readFileSync(join(SHARED_DATA_DIR, 'sample_cml_lab.yaml'), 'utf8');
const UNKNOWN_ID = '9a9a9a9a-9a9a-4a9a-8a9a-9a9a9a9a9a9a';

describe('CML fleet simulator (contract: cml_v2.9_openapi.json)', () => {
  let sim: CmlFleetSimulator;
  let api: string;
  let auth: Record<string, string>;

  /** Calls the worker API and asserts that status and body match the OAS for that operation. */
  async function call(method: string, path: string, init: RequestInit = {}, headers = auth): Promise<HttpResult> {
    const res = await http(`${api}${path}`, { method, ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    const verdict = cmlContract().validate({ method, path, status: res.status, body: res.body, contentType: res.headers.get('content-type') ?? undefined });
    expect({ operation: verdict.operation, errors: verdict.errors }).toEqual({ operation: verdict.operation, errors: [] });
    return res;
  }

  async function importSample(): Promise<string> {
    const res = await call('POST', '/import', { body: SAMPLE, headers: { 'content-type': 'application/x-yaml' } });
    expect(res.status).toBe(200);
    return (res.body as { id: string }).id;
  }

  const waitFor = async (check: () => Promise<boolean>, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeEach(async () => {
    sim = await startCmlFleetSimulator({ port: 0, workers: [{ key: 'worker-a', username: 'admin', password: 's3cret' }] });
    api = sim.workerApiUrl('worker-a');
    const res = await call('POST', '/authenticate', { body: JSON.stringify({ username: 'admin', password: 's3cret' }), headers: { 'content-type': 'application/json' } }, {});
    auth = { authorization: `Bearer ${res.body as string}` };
  });
  afterEach(() => sim.close());

  describe('auth', () => {
    it('authenticate returns a JWT as a JSON string; bad credentials are 403, not 401', async () => {
      const bad = await call('POST', '/authenticate', { body: JSON.stringify({ username: 'admin', password: 'nope' }), headers: { 'content-type': 'application/json' } }, {});
      expect(bad.status).toBe(403);
      expect(bad.body).toEqual({ code: 403, description: expect.any(String) });
      const ext = await call('POST', '/auth_extended', { body: JSON.stringify({ username: 'admin', password: 's3cret' }), headers: { 'content-type': 'application/json' } }, {});
      expect(ext.body).toMatchObject({ username: 'admin', admin: true, error: null });
    });

    it('missing or expired bearer tokens get 401; re-authenticating recovers', async () => {
      expect((await call('GET', '/authok', {}, {})).status).toBe(401);
      expect((await call('GET', '/authok')).status).toBe(200);
      await http(`${sim.url}/_control/workers/worker-a/expire-tokens`, { method: 'POST' });
      expect((await call('GET', '/labs')).status).toBe(401);
      const fresh = await call('POST', '/authenticate', { body: JSON.stringify({ username: 'admin', password: 's3cret' }), headers: { 'content-type': 'application/json' } }, {});
      expect((await call('GET', '/labs', {}, { authorization: `Bearer ${fresh.body as string}` })).status).toBe(200);
    });

    it('logout invalidates the token', async () => {
      expect((await call('DELETE', '/logout')).body).toBe(true);
      expect((await call('GET', '/authok')).status).toBe(401);
    });
  });

  describe('readiness and metrics', () => {
    it('system_information needs no token; health, stats, compute hosts, licensing, maintenance match their schemas', async () => {
      expect((await call('GET', '/system_information', {}, {})).body).toMatchObject({ version: expect.stringMatching(/^2\.9/), ready: true });
      expect((await call('GET', '/system_health')).body).toMatchObject({ valid: true, controller: { core_connected: true, nodes_loaded: true, images_loaded: true } });
      await call('GET', '/system_stats');
      await call('GET', '/system/compute_hosts');
      expect((await call('GET', '/licensing')).body).toMatchObject({ registration: { status: 'COMPLETED' }, authorization: { status: 'IN_COMPLIANCE' } });
      await call('GET', '/system/maintenance_mode', {}, {});
      await call('GET', '/web_session_timeout');
      await call('GET', '/telemetry/events');
    });

    it('a worker registered with readyAfterMs reports ready=false until then', async () => {
      await http(`${sim.url}/_control/workers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'slow', readyAfterMs: 60_000 }) });
      const res = await http(`${sim.workerApiUrl('slow')}/system_information`);
      expect(res.body).toMatchObject({ ready: false });
    });

    it('a booting worker answers 502 HTML like nginx, an offline worker drops the connection', async () => {
      await http(`${sim.url}/_control/workers/worker-a`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phase: 'booting' }) });
      const booting = await http(`${api}/system_information`);
      expect([booting.status, booting.headers.get('content-type')]).toEqual([502, 'text/html']);
      await http(`${sim.url}/_control/workers/worker-a`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phase: 'offline' }) });
      await expect(fetch(`${api}/system_information`)).rejects.toThrow();
    });

    it('licensing registration: 204, IN_PROGRESS, then COMPLETED; deregistration 204', async () => {
      await http(`${sim.url}/_control/workers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'unlicensed', licensed: false }) });
      const wapi = sim.workerApiUrl('unlicensed');
      const token = (await http(`${wapi}/authenticate`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'admin' }) })).body as string;
      const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      expect((await http(`${wapi}/licensing`, { headers: h })).body).toMatchObject({ registration: { status: 'NOT_REGISTERED' } });
      const empty = await http(`${wapi}/licensing/registration`, { method: 'POST', headers: h, body: JSON.stringify({ token: '' }) });
      expect(cmlContract().validate({ method: 'POST', path: '/licensing/registration', status: empty.status, body: empty.body }).valid).toBe(true);
      expect(empty.status).toBe(400);
      const reg = await http(`${wapi}/licensing/registration`, { method: 'POST', headers: h, body: JSON.stringify({ token: 'tok' }) });
      expect(reg.status).toBe(204);
      await waitFor(async () => ((await http(`${wapi}/licensing`, { headers: h })).body as { registration: { status: string } }).registration.status === 'COMPLETED');
      const dereg = await http(`${wapi}/licensing/deregistration`, { method: 'DELETE', headers: h });
      expect(dereg.status).toBe(204);
    });
  });

  describe('labs and nodes', () => {
    it('import -> start -> BOOTED with zero latency, every read matching its schema', async () => {
      const labId = await importSample();
      expect((await call('GET', '/labs?show_all=true')).body).toEqual([labId]);
      expect((await call('GET', `/labs/${labId}`)).body).toMatchObject({ id: labId, lab_title: 'DEVASC_200-901_LAB-2.5.1', state: 'DEFINED_ON_CORE', node_count: 2, link_count: 1 });
      expect((await call('PUT', `/labs/${labId}/start`)).status).toBe(204);
      await waitFor(async () => (await call('GET', `/labs/${labId}/check_if_converged`)).body === true);
      expect((await call('GET', `/labs/${labId}/state`)).body).toBe('STARTED');
      const elements = (await call('GET', `/labs/${labId}/lab_element_state`)).body as { nodes: Record<string, string> };
      expect(Object.values(elements.nodes)).toEqual(['BOOTED', 'BOOTED']);
      const nodes = (await call('GET', `/labs/${labId}/nodes?data=true&operational=true&exclude_configurations=true`)).body as Array<Record<string, unknown>>;
      expect(nodes.map((n) => [n['label'], n['state'], n['boot_progress'], n['tags']])).toEqual([
        ['vmanage-mock', 'BOOTED', 'Booted', ['serial:5041']],
        ['ubuntu-desktop', 'BOOTED', 'Booted', ['serial:5042', 'vnc:5044']],
      ]);
      expect(nodes[0]).not.toHaveProperty('configuration');
      expect(nodes[1]!['operational']).toMatchObject({ cpus: 2, ram: 4096, compute_id: expect.any(String), vnc_key: expect.any(String) });
      const ids = (await call('GET', `/labs/${labId}/nodes`)).body as string[];
      const full = (await call('GET', `/labs/${labId}/nodes/${ids[1]}?exclude_configurations=false`)).body as { configuration: Array<{ name: string }> };
      expect(full.configuration.map((c) => c.name)).toEqual(['user-data', 'network-config']);
      const mainOnly = (await call('GET', `/labs/${labId}/nodes/${ids[1]}`)).body as { configuration: Array<{ name: string }> };
      expect(mainOnly.configuration.map((c) => c.name)).toEqual(['user-data']);
      await call('GET', `/labs/${labId}/nodes/${ids[0]}/state`);
      await call('GET', `/labs/${labId}/topology?exclude_configurations=false`);
      await call('GET', `/labs/${labId}/events`);
      await call('GET', '/nodes?operational=true&exclude_configurations=true');
      await call('GET', '/populate_lab_tiles');
      expect((await call('GET', `/labs/${labId}/find/node/label/ubuntu-desktop`)).body).toBe(ids[1]);
      const console = nodes[0]!['serial_consoles'] as Array<{ console_key: string }>;
      expect((await call('GET', `/labs/${labId}/nodes/${ids[0]}/consoles/${console[0]!.console_key}/log?lines=1`)).body).toBe('vmanage-mock>');
    });

    it('system_stats and telemetry reflect running nodes', async () => {
      const labId = await importSample();
      const dominfo = async () => {
        const stats = (await call('GET', '/system_stats')).body as { computes: Record<string, { stats: { dominfo: Record<string, number> } }> };
        return Object.values(stats.computes)[0]!.stats.dominfo;
      };
      expect(await dominfo()).toMatchObject({ running_nodes: 0, allocated_cpus: 0 });
      await call('PUT', `/labs/${labId}/start`);
      await waitFor(async () => (await call('GET', `/labs/${labId}/check_if_converged`)).body === true);
      expect(await dominfo()).toMatchObject({ running_nodes: 2, total_nodes: 2, allocated_cpus: 3, allocated_memory: 4608 * 1024 });
      const categories = ((await call('GET', '/telemetry/events')).body as Array<{ category: string }>).map((e) => e.category);
      expect(categories).toEqual(expect.arrayContaining(['import_lab', 'start_lab', 'queue_node', 'start_node', 'boot_node']));
    });

    it('PATCH node tags returns the node id as a JSON string', async () => {
      const labId = await importSample();
      const [nodeId] = (await call('GET', `/labs/${labId}/nodes`)).body as string[];
      const res = await call('PATCH', `/labs/${labId}/nodes/${nodeId}`, { body: JSON.stringify({ tags: ['serial:6001'] }), headers: { 'content-type': 'application/json' } });
      expect(res.body).toBe(nodeId);
      expect(((await call('GET', `/labs/${labId}/nodes/${nodeId}`)).body as { tags: string[] }).tags).toEqual(['serial:6001']);
    });

    it('stop -> wipe -> delete, with 400 for wrong-state wipe/delete and 404 for unknown labs', async () => {
      const labId = await importSample();
      await call('PUT', `/labs/${labId}/start`);
      await waitFor(async () => (await call('GET', `/labs/${labId}/check_if_converged`)).body === true);
      // The OAS lists no wrong-state code for wipe/delete; the documented simulator choice is 400 + Error (CML-API.md §6).
      const early = await http(`${api}/labs/${labId}/wipe`, { method: 'PUT', headers: auth });
      expect([early.status, cmlContract().validate({ method: 'PUT', path: `/labs/${labId}/wipe`, status: early.status, body: early.body }).valid]).toEqual([400, true]);
      expect((await http(`${api}/labs/${labId}`, { method: 'DELETE', headers: auth })).status).toBe(400);
      expect((await call('PUT', `/labs/${labId}/stop`)).status).toBe(204);
      await waitFor(async () => (await call('GET', `/labs/${labId}/state`)).body === 'STOPPED');
      expect((await call('PUT', `/labs/${labId}/wipe`)).status).toBe(204);
      await waitFor(async () => (await call('GET', `/labs/${labId}/state`)).body === 'DEFINED_ON_CORE');
      expect((await call('DELETE', `/labs/${labId}`)).status).toBe(204);
      for (const [method, path] of [['GET', `/labs/${labId}`], ['GET', `/labs/${labId}/state`], ['PUT', `/labs/${labId}/start`], ['PUT', `/labs/${labId}/stop`], ['DELETE', `/labs/${labId}`]] as const) {
        expect((await call(method, path)).status).toBe(404);
      }
    });

    it('extract_configuration: 200 {} for a booted IOS node, 400 for nodes without extraction support', async () => {
      const topo = JSON.stringify({ lab: { version: '0.3.0', title: 'ios' }, nodes: [{ id: 'n0', label: 'r1', node_definition: 'iosv', x: 0, y: 0, configuration: 'hostname r1', interfaces: [] }] });
      const labId = ((await call('POST', '/import?title=extract', { body: topo, headers: { 'content-type': 'application/json' } })).body as { id: string }).id;
      await call('PUT', `/labs/${labId}/start`);
      await waitFor(async () => (await call('GET', `/labs/${labId}/check_if_converged`)).body === true);
      const [nodeId] = (await call('GET', `/labs/${labId}/nodes`)).body as string[];
      expect((await call('PUT', `/labs/${labId}/nodes/${nodeId}/extract_configuration`)).body).toEqual({});
      const node = (await call('GET', `/labs/${labId}/nodes/${nodeId}?exclude_configurations=false`)).body as { configuration: Array<{ content: string }> };
      expect(node.configuration[0]!.content).toMatch(/^! Configuration extracted by CML simulator at .*\nhostname r1$/);
      expect(((await call('GET', `/labs/${labId}`)).body as { lab_title: string }).lab_title).toBe('extract');
      const sampleId = await importSample();
      const [mockNode] = (await call('GET', `/labs/${sampleId}/nodes`)).body as string[];
      // Spec choice (CML-API.md §3.6): unsupported/not-booted nodes are 400 + Error; the OAS lists only 404, so this falls under `default`.
      const unsupported = await call('PUT', `/labs/${sampleId}/nodes/${mockNode}/extract_configuration`);
      expect(unsupported.status).toBe(400);
    });

    it('documented exception: a missing node is 400 (as the OAS says for GET node), not 404', async () => {
      const labId = await importSample();
      const res = await call('GET', `/labs/${labId}/nodes/${UNKNOWN_ID}`);
      expect(res.status).toBe(400);
    });

    it('documented exception: /import takes YAML under any Content-Type and /download answers YAML text, not a JSON string', async () => {
      // The OAS declares a JSON Topology request and an application/json string response; real servers
      // and every client exchange raw YAML (CML-API.md §4.2-4.3), so this is asserted outside the validator.
      for (const contentType of ['application/json', 'text/plain', 'application/x-yaml']) {
        const res = await http(`${api}/import`, { method: 'POST', body: SAMPLE, headers: { ...auth, 'content-type': contentType } });
        expect(res.status).toBe(200);
        expect(cmlContract().validate({ method: 'POST', path: '/import', status: 200, body: res.body }).valid).toBe(true);
      }
      const labId = ((await http(`${api}/labs`, { headers: auth })).body as string[])[0]!;
      const download = await http(`${api}/labs/${labId}/download`, { headers: { ...auth, accept: 'application/x-yaml' } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toMatch(/^application\/x-yaml/);
      const doc = parseYaml(download.text) as { lab: { title: string }; nodes: Array<{ id: string; label: string }> };
      expect(doc.lab.title).toBe('DEVASC_200-901_LAB-2.5.1');
      expect(doc.nodes.map((n) => [n.id, n.label])).toEqual([['n0', 'vmanage-mock'], ['n1', 'ubuntu-desktop']]);
      const bad = await call('POST', '/import', { body: 'nodes: [', headers: { 'content-type': 'application/x-yaml' } });
      expect(bad.status).toBe(400);
    });
  });

  describe('fleet', () => {
    it('keeps workers apart: labs, credentials and faults are per worker key', async () => {
      await importSample();
      const other = sim.workerApiUrl('worker-b');
      const token = (await http(`${other}/authenticate`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: 'admin' }) })).body as string;
      expect((await http(`${other}/labs`, { headers: { authorization: `Bearer ${token}` } })).body).toEqual([]);
      expect((await http(`${other}/labs`, auth as RequestInit)).status).toBe(401);
      await http(`${sim.url}/_control/workers/worker-b/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRates: { '503': 1 } }) });
      expect((await http(`${other}/labs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(503);
      expect((await call('GET', '/labs')).status).toBe(200);
      const list = (await http(`${sim.url}/_control/workers`)).body as Array<{ key: string; apiUrl: string }>;
      expect(list.map((w) => w.key).sort()).toEqual(['worker-a', 'worker-b']);
    });

    it('idle-detection input: control telemetry with an old timestamp shows up in /telemetry/events', async () => {
      const res = await http(`${sim.url}/_sim/workers/worker-a/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'user_activity', timestamp: '2026-01-01T08:00:00Z' }) });
      expect(res.status).toBe(201);
      const events = (await call('GET', '/telemetry/events')).body as Array<{ category: string; timestamp: string }>;
      expect(events).toContainEqual(expect.objectContaining({ category: 'user_activity', timestamp: '2026-01-01T08:00:00.000Z' }));
    });
  });

  describe('fault injection', () => {
    const setFaults = (config: unknown) => http(`${sim.url}/_control/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });

    it('429 at rate 1.0 answers every request with 429 + Retry-After in the CML error shape', async () => {
      await setFaults({ errorRates: { '429': 1 }, retryAfterSeconds: 3 });
      for (let i = 0; i < 5; i++) {
        const res = await call('GET', '/labs');
        expect([res.status, res.headers.get('retry-after'), res.body]).toEqual([429, '3', { code: 429, description: expect.any(String) }]);
      }
      expect((await http(`${sim.url}/_control/faults`, { method: 'DELETE' })).status).toBe(204);
      expect((await call('GET', '/labs')).status).toBe(200);
    });

    it('adds latency', async () => {
      await setFaults({ latencyMs: 150 });
      const started = Date.now();
      expect((await call('GET', '/labs')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('drops connections: the client sees a socket error, not a response', async () => {
      await setFaults({ dropRate: 1 });
      await expect(fetch(`${api}/labs`, { headers: auth })).rejects.toThrow(/fetch failed/);
    });

    it('rejects an invalid fault config with 400', async () => {
      expect((await setFaults({ errorRates: { '418': 1 } })).status).toBe(400);
    });
  });
});
