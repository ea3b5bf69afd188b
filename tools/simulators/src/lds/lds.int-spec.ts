import { z } from 'zod';
import { http } from '../kit/contract';
import { startCloudEventReceiver, type CloudEventReceiver } from '../kit/event-receiver';
import { createSessionResponseSchema, devicesResponseSchema, labFolderResponseSchema, launchUrlResponseSchema, sessionResponseSchema } from './schemas';
import { startLdsSimulator, type LdsSimulator } from './server';

const BASIC = `Basic ${Buffer.from('lds:lds').toString('base64')}`;
const createBody = {
  origin: 'lablet-cloud-manager', auth_id: 'alice', auth_id_type: 'ordered_session', candidate_id: 'alice', location: 'cloud', timezone_offset: 0,
  first_name: 'Alice', last_name: 'A', rack_group: 'LCM', rack_number: 1, scheduled_date: '2026-05-01',
  session_parts: [{ repository_type: 'minio', form_qualified_name: 'Exam DEVASC/1.0/Form A' }],
};
const devices = [
  { device_label: 'vmanage-mock', protocol: 'telnet', host: '54.1.2.3', port: 5041 },
  { device_label: 'ubuntu-desktop_vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044, password: 'pw' },
];

describe('LDS simulator (contract: zod schemas from LDS-API.md)', () => {
  let sim: LdsSimulator;
  let receiver: CloudEventReceiver;
  const json = { authorization: BASIC, 'content-type': 'application/json' };

  async function create(): Promise<string> {
    const res = await http(`${sim.apiUrl}/lab_session`, { method: 'POST', headers: json, body: JSON.stringify(createBody) });
    expect(res.status).toBe(201);
    return createSessionResponseSchema.parse(res.body).session_id;
  }

  beforeEach(async () => {
    receiver = await startCloudEventReceiver();
    sim = await startLdsSimulator({ port: 0, sinkUrl: receiver.url, sinkRetryBaseDelayMs: 10 });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('provisioning sequence: create 201, set devices, get session, launch URL, release with {}', async () => {
    const id = await create();
    const put = await http(`${sim.apiUrl}/lab_session/${id}/part/1/devices`, { method: 'PUT', headers: json, body: JSON.stringify(devices) });
    expect(put.status).toBe(200);
    expect(devicesResponseSchema.parse(put.body)).toEqual(devices);
    const session = sessionResponseSchema.parse((await http(`${sim.apiUrl}/lab_session/${id}`, { headers: json })).body);
    expect([session.id, session.state, session.session_parts[0]!.form_qualified_name]).toEqual([id, 'SESSION_PENDING', 'Exam DEVASC/1.0/Form A']);
    const launch = launchUrlResponseSchema.parse((await http(`${sim.apiUrl}/lab_session/${id}/lablet_launch_url`, { headers: json })).body);
    expect(launch.url.startsWith(`${sim.url}/lablet/launch?token=`)).toBe(true);
    const folder = await http(`${sim.apiUrl}/lab_folder/minio/${encodeURIComponent('Exam DEVASC/1.0/Form A')}`, { method: 'PUT', headers: { authorization: BASIC } });
    expect(labFolderResponseSchema.parse(folder.body)).toMatchObject({ Name: 'Exam DEVASC/1.0/Form A', Version: 1 });
    const noBody = await http(`${sim.apiUrl}/lab_session/${id}/release`, { method: 'POST', headers: { authorization: BASIC } });
    expect(noBody.status).toBe(415);
    const release = await http(`${sim.apiUrl}/lab_session/${id}/release`, { method: 'POST', headers: json, body: '{}' });
    expect(release.status).toBe(200);
    expect(sessionResponseSchema.parse(release.body).state).toBe('SESSION_ARCHIVED');
  });

  it('errors: 401 without Basic auth, 404 unknown session, 422 naming the field for bad devices or create bodies', async () => {
    const errorSchema = z.object({ detail: z.union([z.string(), z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string() }))]) });
    const unauth = await http(`${sim.apiUrl}/lab_session/x`);
    expect([unauth.status, unauth.headers.get('www-authenticate')]).toEqual([401, 'Basic realm="LDS Reservations API v3"']);
    const missing = await http(`${sim.apiUrl}/lab_session/does-not-exist`, { headers: json });
    expect(missing.status).toBe(404);
    errorSchema.parse(missing.body);
    const id = await create();
    const bad = await http(`${sim.apiUrl}/lab_session/${id}/part/1/devices`, { method: 'PUT', headers: json, body: JSON.stringify([{ ...devices[0], protocol: 'rdp' }]) });
    expect(bad.status).toBe(422);
    expect(errorSchema.parse(bad.body).detail).toEqual([expect.objectContaining({ loc: ['body', 0, 'protocol'] })]);
    const noCandidate = await http(`${sim.apiUrl}/lab_session`, { method: 'POST', headers: json, body: JSON.stringify({ ...createBody, candidate_id: undefined }) });
    expect(noCandidate.status).toBe(422);
    expect(JSON.stringify(noCandidate.body)).toContain('candidate_id');
  });

  it.each(['structured', 'binary'] as const)('candidate login/pause/finish/end post CloudEvents in %s mode', async (mode) => {
    await http(`${sim.url}/_control/sink`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
    const id = await create();
    const launch = (await http(`${sim.apiUrl}/lab_session/${id}/lablet_launch_url`, { headers: json })).body as { url: string };
    // Opening the launch URL is the login.
    expect((await http(launch.url)).status).toBe(200);
    for (const action of ['pause', 'resume', 'finish']) expect((await http(`${sim.url}/_control/sessions/${id}/${action}`, { method: 'POST' })).status).toBe(200);
    const end = await http(`${sim.url}/_control/sessions/${id}/end`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'timeslot over', endedBy: 'timeout' }) });
    expect(end.status).toBe(200);
    await sim.sink.flush();
    expect(receiver.events.map((e) => [e.mode, e.event.type])).toEqual([
      [mode, 'lds.session.started'],
      [mode, 'lds.session.started'],
      [mode, 'lds.session.user-finished'],
      [mode, 'lds.session.ended'],
    ]);
    const last = receiver.events[3]!.event;
    expect(last).toMatchObject({ specversion: '1.0', source: 'https://labs.lcm.io', subject: id, data: { aggregateId: id, sessionId: id, reason: 'timeslot over', endedBy: 'timeout' } });
    expect(new Set(receiver.events.map((e) => e.event.id)).size).toBe(4);
    // Wrong-state control actions are refused.
    expect((await http(`${sim.url}/_control/sessions/${id}/pause`, { method: 'POST' })).status).toBe(409);
  });

  it('naming families: pylds and cisco types; timers drive login and finish on their own', async () => {
    await http(`${sim.url}/_control/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ family: 'cisco', autoLoginAfterMs: 0, autoFinishAfterMs: 0 }) });
    const id = await create();
    await http(`${sim.apiUrl}/lab_session/${id}/lablet_launch_url`, { headers: json });
    await receiver.waitFor((e) => e.event.type === 'com.cisco.certs.lds.session.userfinished.v1');
    expect(receiver.events.map((e) => e.event.type)).toEqual([
      'com.cisco.certs.lds.session.created.v1',
      'com.cisco.certs.lds.session.running.v1',
      'com.cisco.certs.lds.session.userfinished.v1',
    ]);
    await http(`${sim.url}/_control/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ family: 'pylds', autoLoginAfterMs: null, autoFinishAfterMs: null }) });
    const second = await create();
    sim.act(second, 'login');
    await receiver.waitFor((e) => e.event.type === 'io.lablet.lds.session.running.v1' && e.event.subject === second);
  });

  it('retries delivery with backoff while the sink answers 5xx', async () => {
    receiver.respondWith(503);
    const id = await create();
    const delivery = sim.sink.emit({ specversion: '1.0', id: 'retry-1', source: 'https://labs.lcm.io', type: 'lds.session.started', subject: id, data: {} });
    setTimeout(() => receiver.respondWith(202), 40);
    const record = await delivery;
    expect(record.delivered).toBe(true);
    expect(record.attempts).toBeGreaterThan(1);
  });

  it('fault injection: 500 at rate 1.0, then reset', async () => {
    await http(`${sim.url}/_control/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRates: { '500': 1 } }) });
    expect((await http(`${sim.apiUrl}/lab_session/x`, { headers: json })).status).toBe(500);
    await http(`${sim.url}/_control/faults`, { method: 'DELETE' });
    expect((await http(`${sim.apiUrl}/lab_session/x`, { headers: json })).status).toBe(404);
  });
});
