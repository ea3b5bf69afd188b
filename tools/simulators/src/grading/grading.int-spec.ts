import { parse as parseYaml } from 'yaml';
import { gradingContract, http, type HttpResult } from '../kit/contract';
import { startCloudEventReceiver, type CloudEventReceiver } from '../kit/event-receiver';
import { startGradingSimulator, type GradingSimulator } from './server';

const pod = {
  id: 'lablet-session-1',
  devices: [
    { label: 'vmanage-mock', hostname: 'vmanage-mock', collector: 'ccm', interfaces: [{ name: 'console', protocol: 'telnet', host: '54.1.2.3', port: 5041, authentication: { scheme: 'none' }, configuration: { line: 0 } }] },
    { label: 'ubuntu-desktop', hostname: 'ubuntu-desktop', collector: 'ccm', interfaces: [{ name: 'console', protocol: 'telnet', host: '54.1.2.3', port: 5042 }, { name: 'vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044 }] },
  ],
};
const PART = 'Exam DEVASC/1.0/Form A';

describe('GradingEngine simulator (contract: grading-engine_openapi.json)', () => {
  let sim: GradingSimulator;
  let receiver: CloudEventReceiver;
  const headers = { authorization: 'Bearer test-token', accept: 'application/json', 'content-type': 'application/json' };
  const part = encodeURIComponent(PART);

  async function call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<HttpResult> {
    const res = await http(`${sim.url}/api/v1${path}`, { method, headers: { ...headers, ...extra }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const verdict = gradingContract().validate({ method, path: `/api/v1${path}`, status: res.status, body: res.body, contentType: res.headers.get('content-type') ?? undefined });
    expect({ operation: verdict.operation, errors: verdict.errors }).toEqual({ operation: verdict.operation, errors: [] });
    return res;
  }

  beforeEach(async () => {
    receiver = await startCloudEventReceiver();
    sim = await startGradingSimulator({ port: 0, sinkUrl: receiver.url, sinkRetryBaseDelayMs: 10 });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('create with pod -> grade 202 -> completed event and score report -> submit', async () => {
    const created = await call('POST', '/sessions', { id: 's-1', candidateId: 'alice', lds: { id: 'lds-1', environment: 'us-east-1' }, parts: [{ id: PART, pod }] });
    expect(created.body).toMatchObject({ id: 's-1', status: 'Active', parts: [{ id: PART, status: 'Ready' }] });
    expect((await call('POST', `/sessions/s-1/parts/${part}/grade?recollect=true`)).status).toBe(202);
    const completed = await receiver.waitFor((e) => e.event.type === 'grading.session.completed');
    expect(completed.event).toMatchObject({ subject: 's-1', source: sim.url, data: { sessionId: 's-1', partId: PART, candidateId: 'alice', ldsSessionId: 'lds-1', score: 20, maxScore: 20, passed: true, generation: 1, revision: 1 } });
    const session = (await call('GET', '/sessions/s-1')).body as { parts: Array<{ status: string; firstGraded: string; scoreReport: { score: number; sections: unknown[] } }> };
    expect(session.parts[0]).toMatchObject({ status: 'Graded', firstGraded: expect.any(String), scoreReport: { score: 20 } });
    const submitted = (await call('POST', `/sessions/s-1/parts/${part}/submit`)).body as { status: string; parts: Array<{ lastSubmitted: string }> };
    expect([submitted.status, typeof submitted.parts[0]!.lastSubmitted]).toEqual(['Completed', 'string']);
  });

  it('regrading bumps the revision; the same pod scores the same', async () => {
    await call('POST', '/sessions', { id: 's-2', candidateId: 'alice', parts: [{ id: PART }] });
    expect((await call('POST', `/sessions/s-2/parts/${part}/grade`)).status).toBe(422); // no pod yet
    await call('POST', `/sessions/s-2/parts/${part}/pod`, pod);
    await call('PUT', `/sessions/s-2/parts/${part}/pod`, pod);
    await call('POST', `/sessions/s-2/parts/${part}/grade`);
    await receiver.waitFor((e) => (e.event.data as { revision: number }).revision === 1);
    await call('POST', `/sessions/s-2/parts/${part}/sections/0/items/1/grade?recollect=false`);
    const second = await receiver.waitFor((e) => (e.event.data as { revision: number }).revision === 2);
    expect(second.event.data).toMatchObject({ score: 20, generation: 1, revision: 2 });
    expect((await call('DELETE', `/sessions/s-2/parts/${part}/pod`)).status).toBe(200);
    expect((await call('DELETE', `/sessions/s-2/parts/${part}`)).body).toMatchObject({ parts: [] });
  });

  it('injectable failure: a failed event in binary mode and a Faulted part', async () => {
    await http(`${sim.url}/_control/sink`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'binary' }) });
    await call('POST', '/sessions', { id: 's-3', candidateId: 'bob', parts: [{ id: PART, pod }] });
    await http(`${sim.url}/_control/sessions/s-3/outcome`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fail: true, errorMessage: 'device unreachable', errorCode: 'E42' }) });
    await call('POST', `/sessions/s-3/parts/${part}/grade`);
    const failed = await receiver.waitFor((e) => e.event.type === 'grading.session.failed');
    expect(failed.mode).toBe('binary');
    expect(failed.headers['ce-type']).toBe('grading.session.failed');
    expect(failed.event.data).toMatchObject({ sessionId: 's-3', partId: PART, errorMessage: 'device unreachable', errorCode: 'E42', retryPossible: true });
    expect(((await call('GET', '/sessions/s-3')).body as { parts: Array<{ status: string; statusReason: string }> }).parts[0]).toMatchObject({ status: 'Faulted', statusReason: 'device unreachable' });
    expect((await call('POST', `/sessions/s-3/parts/${part}/submit`)).status).toBe(422);
  });

  it('cut score from the scoring endpoint decides pass/fail; assessment naming family', async () => {
    await http(`${sim.url}/_control/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ family: 'assessment', rubric: 'hashed' }) });
    expect((await call('PUT', '/sessions/parts/ruleset/scoring', { partId: PART, scoringRequirements: { version: 1, rereadScore: 0, cutScore: 21, minScore: 0 } })).status).toBe(204);
    await call('POST', '/sessions', { id: 's-4', candidateId: 'carol', parts: [{ id: PART, pod }] });
    await call('POST', `/sessions/s-4/parts/${part}/grade`);
    const done = await receiver.waitFor((e) => e.event.type === 'assessment.grading.completed.v1');
    expect(done.event.data).toMatchObject({ cutScore: 21, passed: false, maxScore: 20 });
    expect((await call('POST', '/sessions/parts/ruleset/grading/synchronize', { partId: PART })).status).toBe(204);
  });

  it('errors are ProblemDetails: 400 naming fields, 404 unknown session; 401 without a token', async () => {
    const invalid = await call('POST', '/sessions', { candidateId: 'x', parts: [{ id: PART, pod: { id: 'p', devices: [{ label: 'r1', hostname: 'r1', collector: 'ccm', interfaces: [] }] } }] });
    expect(invalid.status).toBe(400);
    expect(Object.keys((invalid.body as { errors: Record<string, string[]> }).errors).sort()).toEqual(['candidateId', 'parts[0].pod.devices[0].interfaces']);
    expect((await call('GET', '/sessions/nope')).status).toBe(404);
    const unauth = await http(`${sim.url}/api/v1/sessions/nope`);
    expect([unauth.status, unauth.text]).toEqual([401, '']);
  });

  it('answers YAML when the client does not ask for JSON', async () => {
    await call('POST', '/sessions', { id: 's-5', candidateId: 'dave' });
    const res = await http(`${sim.url}/api/v1/sessions/s-5`, { headers: { authorization: 'Bearer t' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    const body = parseYaml(res.text) as unknown;
    expect(gradingContract().validate({ method: 'GET', path: '/api/v1/sessions/s-5', status: 200, body, contentType: 'application/yaml' })).toMatchObject({ valid: true });
  });

  it('fault injection: 503 at rate 1.0 with Retry-After, as ProblemDetails', async () => {
    await http(`${sim.url}/_control/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRates: { '503': 1 } }) });
    const res = await http(`${sim.url}/api/v1/sessions/x`, { headers });
    expect([res.status, res.headers.get('retry-after'), (res.body as { status: number }).status]).toEqual([503, '1', 503]);
  });
});
