import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConflictError, UnauthorizedError, UnavailableError } from '@lcm/integrations/http';
import { type CmlFleetSimulator, startCmlFleetSimulator } from '@lcm/simulators';
import { CmlHttpAdapter } from './cml.http-adapter';

const sampleLab = readFileSync(path.join(__dirname, 'test-fixtures', 'sample_cml_lab.yaml'), 'utf8');
const routerLab = `
lab:
  version: 0.3.0
  title: router-lab
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: 0
    y: 0
    configuration: hostname r1
    tags: [serial:5101]
    interfaces: []
links: []
`;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

describe('CmlHttpAdapter against the CML fleet simulator', () => {
  let simulator: CmlFleetSimulator;
  const worker = 'worker-int-1';

  const client = (password = 'admin') =>
    new CmlHttpAdapter(
      { baseUrl: simulator.workerApiUrl(worker), username: 'admin', password, verifyTls: false },
      { logger: silent, sleep: async () => undefined },
    );

  beforeAll(async () => {
    simulator = await startCmlFleetSimulator({ port: 0, defaultCredentials: { username: 'admin', password: 'admin' } });
    simulator.fleet.register({ key: worker });
  });
  afterAll(() => simulator.close());
  afterEach(() => simulator.fleet.faultsFor(worker)?.reset());
  const injectedFaults = () => simulator.fleet.faultsFor(worker)?.current().injected ?? 0;

  it('deregisters and registers the licence, reporting a repeated deregistration as a conflict', async () => {
    const cml = client();
    await cml.deregisterLicense();
    await expect(cml.getLicensing()).resolves.toMatchObject({ registration: { status: 'NOT_REGISTERED' } });
    await expect(cml.deregisterLicense()).rejects.toBeInstanceOf(ConflictError);
    await cml.registerLicense('good-token', false);
    await expect(cml.getLicensing()).resolves.toMatchObject({ registration: { status: 'COMPLETED' }, authorization: { status: 'IN_COMPLIANCE' } });
  });

  it('reads readiness, health, stats, licensing and telemetry', async () => {
    const cml = client();
    await expect(cml.getSystemInformation()).resolves.toMatchObject({ version: expect.stringMatching(/^2\.9/) });
    await expect(cml.getSystemHealth()).resolves.toMatchObject({ controller: expect.objectContaining({ core_connected: expect.any(Boolean) }) });
    await expect(cml.getSystemStats()).resolves.toMatchObject({ compute_count: expect.any(Number), nodes: expect.any(Object) });
    await expect(cml.getLicensing()).resolves.toMatchObject({ registration: { status: expect.any(String) } });
    await expect(cml.getTelemetryEvents()).resolves.toEqual(expect.any(Array));
  });

  it('rejects bad credentials with UnauthorizedError', async () => {
    await expect(client('wrong').listLabIds()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('imports, starts, converges, downloads, then stops, wipes and deletes a lab', async () => {
    const cml = client();
    const { id } = await cml.importLab(sampleLab, { title: 'int-session' });
    await expect(cml.getLab(id)).resolves.toMatchObject({ lab_title: 'int-session', state: 'DEFINED_ON_CORE' });
    expect((await cml.listLabs()).map((lab) => lab.id)).toContain(id);

    await cml.startLab(id);
    await waitFor(() => cml.isLabConverged(id));
    await expect(cml.getLabState(id)).resolves.toBe('STARTED');
    const nodes = await cml.listNodes(id);
    expect(nodes.map((node) => node.label).sort()).toEqual(['ubuntu-desktop', 'vmanage-mock']);
    expect(nodes.every((node) => node.state === 'BOOTED')).toBe(true);

    await expect(cml.wipeLab(id)).rejects.toBeInstanceOf(ConflictError);
    const extractable = nodes.find((node) => node.label === 'vmanage-mock');
    if (!extractable) throw new Error('sample lab has vmanage-mock');
    // mock-server's node definition has no config extraction: CML refuses with 400.
    await expect(cml.extractConfiguration(id, extractable.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(cml.downloadLab(id)).resolves.toContain('vmanage-mock');

    await cml.stopLab(id);
    await expect(cml.deleteLab(id)).rejects.toBeInstanceOf(ConflictError);
    await waitFor(async () => (await cml.getLabState(id)) === 'STOPPED');
    await cml.wipeLab(id);
    await waitFor(async () => (await cml.getLabState(id)) === 'DEFINED_ON_CORE');
    await cml.deleteLab(id);
    expect(await cml.listLabIds()).not.toContain(id);
  });

  it('extracts the running configuration of a booted router and reads it back', async () => {
    const cml = client();
    const { id } = await cml.importLab(routerLab);
    const [router] = await cml.listNodes(id);
    if (!router) throw new Error('router lab has one node');
    await expect(cml.extractConfiguration(id, router.id)).rejects.toBeInstanceOf(ConflictError);
    await cml.startLab(id);
    await waitFor(() => cml.isLabConverged(id));
    await cml.extractConfiguration(id, router.id);
    const [main] = await cml.getNodeConfiguration(id, router.id);
    expect(main?.content).toContain('hostname r1');
    await cml.stopLab(id);
    await waitFor(async () => (await cml.getLabState(id)) === 'STOPPED');
    await cml.wipeLab(id);
    await waitFor(async () => (await cml.getLabState(id)) === 'DEFINED_ON_CORE');
    await cml.deleteLab(id);
  });

  it('replaces the tags of a node (PATCH), and 400 for tags CML refuses', async () => {
    const cml = client();
    const { id } = await cml.importLab(routerLab);
    const [router] = await cml.listNodes(id);
    if (!router) throw new Error('router lab has one node');
    await cml.setNodeTags(id, router.id, ['serial:5101', 'ssh:5102']);
    expect((await cml.listNodes(id))[0]?.tags).toEqual(['serial:5101', 'ssh:5102']);
    await expect(cml.setNodeTags(id, router.id, ['x'.repeat(65)])).rejects.toMatchObject({ status: 400 });
    await cml.deleteLab(id);
  });

  it('re-authenticates after the controller expires every token', async () => {
    const cml = client();
    await cml.listLabIds();
    simulator.fleet.get(worker)?.expireTokens();
    await expect(cml.listLabIds()).resolves.toEqual(expect.any(Array));
  });

  it('retries a throttled read and then succeeds', async () => {
    const cml = client();
    await cml.listLabIds();
    const injectedBefore = injectedFaults();
    simulator.fleet.faultsFor(worker)?.configure({ errorRates: { '429': 1 }, remaining: 2, retryAfterSeconds: 0 });
    await expect(cml.listLabIds()).resolves.toEqual(expect.any(Array));
    expect(injectedFaults() - injectedBefore).toBe(2);
  });

  it('surfaces a 503 on import without a retry (a retry could create a second lab)', async () => {
    const cml = client();
    await cml.listLabIds();
    const labsBefore = await cml.listLabIds();
    const injectedBefore = injectedFaults();
    simulator.fleet.faultsFor(worker)?.configure({ errorRates: { '503': 1 }, remaining: 1 });
    await expect(cml.importLab(sampleLab)).rejects.toBeInstanceOf(UnavailableError);
    expect(injectedFaults() - injectedBefore).toBe(1);
    await expect(cml.listLabIds()).resolves.toHaveLength(labsBefore.length);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
