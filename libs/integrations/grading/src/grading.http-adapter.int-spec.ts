import { randomUUID } from 'node:crypto';
import { InvalidError, NotFoundError, UnauthorizedError, UnavailableError } from '@lcm/integrations/http';
import { type GradingSimulator, startGradingSimulator } from '@lcm/simulators';
import { GradingHttpAdapter } from './grading.http-adapter';
import { buildPodFromDeviceAccess } from './grading.pod';
import { staticTokenIssuer } from './grading.token';

const PART = 'Exam ENCOR/Lab 1.3';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

describe('GradingHttpAdapter against the GradingEngine simulator', () => {
  let simulator: GradingSimulator;
  const client = (token = 'engine-token') =>
    new GradingHttpAdapter({ baseUrl: simulator.url, issueToken: staticTokenIssuer(token) }, { logger: silent, sleep: async () => undefined });
  const injectedFaults = () => simulator.faults.current().injected;
  const pod = (sessionId: string) =>
    buildPodFromDeviceAccess(sessionId, [
      { name: 'vmanage-mock', protocol: 'serial', host: '54.1.2.3', port: 5041 },
      { name: 'ubuntu-desktop_serial', protocol: 'serial', host: '54.1.2.3', port: 5042 },
      { name: 'ubuntu-desktop_vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044 },
    ]);

  beforeAll(async () => {
    simulator = await startGradingSimulator({ port: 0, acceptedTokens: ['engine-token'], sinkUrl: null, gradingDelayMs: 0 });
  });
  afterAll(() => simulator.close());
  afterEach(() => simulator.faults.reset());

  it('creates a session with its pod, grades, reads the score report and submits', async () => {
    const engine = client();
    const sessionId = randomUUID();
    const created = await engine.createSession({
      id: sessionId,
      candidateId: 'cand-7',
      lds: { id: 'lds-1', environment: 'us-east-1' },
      parts: [{ id: PART, pod: pod(sessionId) }],
    });
    expect(created).toMatchObject({ id: sessionId, candidateId: 'cand-7', parts: [{ id: PART }] });
    expect(created.parts[0]?.pod?.devices?.map((device) => device.label)).toEqual(['vmanage-mock', 'ubuntu-desktop']);

    await engine.gradePart(sessionId, PART, { recollect: true });
    const graded = await waitFor(
      () => engine.getSession(sessionId),
      (session) => Boolean(session.parts[0]?.firstGraded),
    );
    expect(graded.parts[0]?.scoreReport).toMatchObject({ score: expect.any(Number), maxScore: expect.any(Number), revision: expect.any(Number) });

    const submitted = await engine.submitPart(sessionId, PART);
    expect(submitted.parts[0]?.lastSubmitted).toEqual(expect.any(String));
    await expect(engine.detachPod(sessionId, PART)).resolves.toMatchObject({ id: sessionId });
  });

  it('assigns and replaces a pod on a part created without one', async () => {
    const engine = client();
    const sessionId = randomUUID();
    await engine.createSession({ id: sessionId, candidateId: 'cand-8', parts: [{ id: PART }] });
    await expect(engine.gradePart(sessionId, PART)).rejects.toBeInstanceOf(InvalidError);
    await engine.assignPod(sessionId, PART, pod(sessionId));
    const replaced = await engine.replacePod(sessionId, PART, buildPodFromDeviceAccess(sessionId, [{ name: 'r9', protocol: 'telnet', host: '10.0.0.9', port: 6000 }]));
    expect(replaced.parts[0]?.pod?.devices?.map((device) => device.label)).toEqual(['r9']);
  });

  it('maps unknown sessions to NotFoundError, validation failures to InvalidError and foreign tokens to UnauthorizedError', async () => {
    await expect(client().getSession('no-such-session')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client().createSession({ candidateId: '' })).rejects.toBeInstanceOf(InvalidError);
    await expect(client('someone-else').getSession('x')).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('retries a throttled read and then succeeds', async () => {
    const sessionId = randomUUID();
    await client().createSession({ id: sessionId, candidateId: 'cand-9' });
    const before = injectedFaults();
    simulator.faults.configure({ errorRates: { '429': 1 }, remaining: 2, retryAfterSeconds: 0 });
    await expect(client().getSession(sessionId)).resolves.toMatchObject({ id: sessionId });
    expect(injectedFaults() - before).toBe(2);
  });

  it('surfaces a 503 on a grade request without a retry', async () => {
    const sessionId = randomUUID();
    await client().createSession({ id: sessionId, candidateId: 'cand-9', parts: [{ id: PART, pod: pod(sessionId) }] });
    const before = injectedFaults();
    simulator.faults.configure({ errorRates: { '503': 1 }, remaining: 1 });
    await expect(client().gradePart(sessionId, PART)).rejects.toBeInstanceOf(UnavailableError);
    expect(injectedFaults() - before).toBe(1);
    const untouched = await client().getSession(sessionId);
    expect(untouched.parts[0]?.firstGraded ?? null).toBeNull();
  });
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
