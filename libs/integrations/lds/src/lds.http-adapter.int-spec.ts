import { InvalidError, NotFoundError, UnauthorizedError, UnavailableError } from '@lcm/integrations/http';
import { type LdsSimulator, startLdsSimulator } from '@lcm/simulators';
import { type LdsDeployment } from './lds.deployments';
import { toLdsDevices } from './lds.devices';
import { LdsHttpAdapter, LdsHttpDeployments } from './lds.http-adapter';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

describe('LdsHttpAdapter against the LDS simulator', () => {
  let simulator: LdsSimulator;
  const deployment = (overrides: Partial<LdsDeployment> = {}): LdsDeployment => ({
    base_url: simulator.url,
    username: 'lcm',
    password: 'lcm-secret',
    timeout_seconds: 5,
    ...overrides,
  });
  const client = (overrides: Partial<LdsDeployment> = {}) => new LdsHttpAdapter(deployment(overrides), { logger: silent, sleep: async () => undefined });
  const injectedFaults = () => simulator.faults.current().injected;
  const newSession = () =>
    client().createSessionWithPart({ username: 'cand-1', timeslot_start: new Date('2026-03-01T09:00:00Z'), form_qualified_name: 'Exam/Lab 1' });

  beforeAll(async () => {
    simulator = await startLdsSimulator({ port: 0, username: 'lcm', password: 'lcm-secret', sinkUrl: null });
  });
  afterAll(() => simulator.close());
  afterEach(() => simulator.faults.reset());

  it('runs the provisioning sequence: create, set devices, get session, launch URL, release', async () => {
    const lds = client();
    const { session_id } = await newSession();
    const devices = toLdsDevices([
      { name: 'ubuntu-desktop_serial', protocol: 'serial', host: '54.1.2.3', port: 5042 },
      { name: 'ubuntu-desktop_vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044 },
    ]);
    await expect(lds.setDevices(session_id, devices)).resolves.toEqual(devices.map((device) => expect.objectContaining(device)));
    await expect(lds.getSession(session_id)).resolves.toMatchObject({ id: session_id, state: 'SESSION_PENDING' });
    await expect(lds.getLaunchUrl(session_id)).resolves.toMatch(/\/lablet\/launch\?token=/);
    await lds.releaseSession(session_id);
    await expect(lds.getSession(session_id)).resolves.toMatchObject({ state: expect.stringMatching(/ARCHIV/) });
  });

  it('rejects duplicate device labels with InvalidError', async () => {
    const { session_id } = await newSession();
    const device = { device_label: 'r1', protocol: 'telnet', host: 'h', port: 5041 };
    await expect(client().setDevices(session_id, [device, device])).rejects.toBeInstanceOf(InvalidError);
  });

  it('maps an unknown session to NotFoundError and wrong credentials to UnauthorizedError', async () => {
    await expect(client().getSession('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client({ password: 'wrong' }).getSession('x')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('picks the deployment by region', async () => {
    const deployments = new LdsHttpDeployments(
      { default_region: 'us-east-1', deployments: { 'us-east-1': deployment(), 'eu-west-1': deployment({ password: 'wrong' }) } },
      { logger: silent },
    );
    await expect(deployments.forRegion('ap-south-1').client.createSessionWithPart({ username: 'c', timeslot_start: new Date(), form_qualified_name: 'F' })).resolves.toMatchObject({
      session_id: expect.any(String),
    });
    await expect(deployments.forRegion('eu-west-1').client.getSession('x')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('retries a throttled read and then succeeds', async () => {
    const { session_id } = await newSession();
    const before = injectedFaults();
    simulator.faults.configure({ errorRates: { '429': 1 }, remaining: 2, retryAfterSeconds: 0 });
    await expect(client().getSession(session_id)).resolves.toMatchObject({ id: session_id });
    expect(injectedFaults() - before).toBe(2);
  });

  it('surfaces a 503 on session creation without a retry', async () => {
    const sessionsBefore = simulator.store.sessions.size;
    const before = injectedFaults();
    simulator.faults.configure({ errorRates: { '503': 1 }, remaining: 1 });
    await expect(newSession()).rejects.toBeInstanceOf(UnavailableError);
    expect(injectedFaults() - before).toBe(1);
    expect(simulator.store.sessions.size).toBe(sessionsBefore);
  });
});
