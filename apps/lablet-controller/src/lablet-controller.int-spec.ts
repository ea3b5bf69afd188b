import { type LabletDefinition, type CmlWorker } from '@lcm/contracts';
import { type CmlFleetSimulator, type GradingSimulator, type LdsSimulator, startCmlFleetSimulator, startGradingSimulator, startLdsSimulator } from '@lcm/simulators';
import { waitFor } from '@lcm/testing';
import { LabletSystem } from './testing/lablet-system';

interface Sims {
  cml: CmlFleetSimulator;
  lds: LdsSimulator;
  grading: GradingSimulator;
}

const startSimulators = async (sinkUrl: string): Promise<Sims> => ({
  cml: await startCmlFleetSimulator({ port: 0 }),
  lds: await startLdsSimulator({ port: 0, sinkUrl }),
  grading: await startGradingSimulator({ port: 0, sinkUrl }),
});

jest.setTimeout(90_000);

describe('lablet-controller with the simulators, a control plane and etcd', () => {
  let system: LabletSystem<Sims>;
  let worker: CmlWorker;
  let definition: LabletDefinition;

  beforeAll(async () => {
    system = await LabletSystem.start({ startSimulators, controllerEnv: { GRADING_FAULT_HOLD_MINUTES: '0.02' } });
    worker = await system.runningWorker();
    definition = await system.createDefinition();
  }, 120_000);
  afterAll(async () => {
    await system?.close();
  });

  it('takes a scheduled session to READY, through login, logout and grading to TERMINATED with a score, the lab wiped and kept', async () => {
    const scheduled = await system.scheduledSession(definition, worker);
    const ready = await system.waitForStatus(scheduled.id, 'READY');
    const userSession = await system.admin.sessions.userSession({ params: { lablet_session_id: ready.id } });
    expect(userSession.login_url).toContain('/lablet/launch?token=');
    expect(userSession.devices.map((device) => [device.name, device.protocol])).toEqual([
      ['desktop', 'vnc'],
      ['r1', 'serial'],
      ['r2', 'serial'],
    ]);
    expect(userSession.devices.every((device) => device.host === '203.0.113.10' && device.port === ready.allocated_ports[`${device.name}_${device.protocol}`])).toBe(true);
    const lab = await system.internal.labs.get({ params: { lab_record_id: ready.lab_record_id! } });
    expect(lab).toMatchObject({ status: 'BOOTED', based_on_definition_id: definition.id, allocated_ports: ready.allocated_ports });
    expect(lab.topology_spec?.nodes.find((node) => node.label === 'r1')?.tags).toEqual([`serial:${ready.allocated_ports['r1_serial']}`]);

    const ldsSessionId = system.ldsSessionIdOf(ready);
    system.sims.lds.act(ldsSessionId, 'login');
    await system.waitForStatus(ready.id, 'RUNNING');
    system.sims.lds.act(ldsSessionId, 'finish');
    const terminated = await system.waitForStatus(ready.id, 'TERMINATED', 30_000);

    expect(terminated.status_history.map((change) => change.to)).toEqual(
      expect.arrayContaining(['INSTANTIATING', 'READY', 'RUNNING', 'COLLECTING', 'GRADING', 'STOPPING', 'STOPPED', 'ARCHIVED', 'TERMINATED']),
    );
    expect(terminated.grade_result).toBe('pass');
    const report = await system.admin.sessions.scoreReport({ params: { lablet_session_id: ready.id } });
    expect(report.score).toBeGreaterThan(0);
    const kept = await system.internal.labs.get({ params: { lab_record_id: ready.lab_record_id! } });
    expect(kept.status).toBe('WIPED');
    expect(kept.run_history.some((run) => run.lablet_session_id === ready.id && run.stopped_at !== null)).toBe(true);
  });

  /** The labs the CML simulator holds for a worker. */
  const cmlLabsOf = (target: CmlWorker) => [...(system.sims.cml.fleet.get(target.aws_instance_id!)?.labs.values() ?? [])];
  const labRecordsOf = async (target: CmlWorker) => (await system.internal.labs.list({ query: { worker_id: target.id } })).items;

  it('gives a second session on the worker the wiped lab of the first, without importing', async () => {
    const reuseWorker = await system.runningWorker();
    const first = await system.waitForStatus((await system.scheduledSession(definition, reuseWorker)).id, 'READY');
    await system.admin.sessions.terminate({ params: { lablet_session_id: first.id } });
    await waitFor('the first lab to be wiped', async () => (await system.internal.labs.get({ params: { lab_record_id: first.lab_record_id! } })).status === 'WIPED');

    const second = await system.waitForStatus((await system.scheduledSession(definition, reuseWorker)).id, 'READY');

    expect(second.lab_record_id).toBe(first.lab_record_id);
    expect(second.allocated_ports).toEqual(first.allocated_ports);
    expect(second.pipeline_progress['instantiate']?.['lab_import']?.status).toBe('skipped');
    expect(cmlLabsOf(reuseWorker)).toHaveLength(1);
    expect(await labRecordsOf(reuseWorker)).toHaveLength(1);
  });

  it('survives kill -9 in the middle of instantiation: exactly one lab, and the session still reaches READY', async () => {
    const crashWorker = await system.runningWorker();
    system.sims.cml.fleet.setLatencies({ bootMs: 1_500 });
    try {
      const scheduled = await system.scheduledSession(definition, crashWorker);
      await waitFor('the lab to be imported and booting', async () => (await system.session(scheduled.id)).pipeline_progress['instantiate']?.['lab_binding']?.status === 'completed', 20_000, 20);
      await system.controller.kill();
      await system.controller.start();
      const ready = await system.waitForStatus(scheduled.id, 'READY', 30_000);
      expect(cmlLabsOf(crashWorker)).toHaveLength(1);
      expect((await labRecordsOf(crashWorker)).map((lab) => lab.id)).toEqual([ready.lab_record_id]);
    } finally {
      system.sims.cml.fleet.setLatencies({ bootMs: 0 });
    }
  });

  it('terminates a session whose import keeps failing, naming the step, and leaves no lab behind', async () => {
    const failingWorker = await system.runningWorker();
    const broken = await system.createDefinition({ topology_yaml: 'lab: { title: broken }\nnodes: [{ id: n0, label: r1 }]\n', port_template: [], node_count: 1 });
    const scheduled = await system.scheduledSession(broken, failingWorker);
    const terminated = await system.waitForStatus(scheduled.id, 'TERMINATED', 30_000);
    expect(terminated.termination_reason).toMatch(/^instantiation step lab_import failed after 3 attempts: /);
    expect(cmlLabsOf(failingWorker)).toHaveLength(0);
    expect((await labRecordsOf(failingWorker)).map((lab) => lab.status)).toEqual(['DELETED']);
  });

  it('terminates a session when LDS keeps failing and deletes the lab it imported', async () => {
    const ldsWorker = await system.runningWorker();
    system.sims.lds.faults.configure({ errorRates: { 503: 1 } });
    try {
      const scheduled = await system.scheduledSession(definition, ldsWorker);
      const terminated = await system.waitForStatus(scheduled.id, 'TERMINATED', 45_000);
      expect(terminated.termination_reason).toContain('lds_provision');
    } finally {
      system.sims.lds.faults.reset();
    }
    await waitFor('the imported lab to be deleted', async () => cmlLabsOf(ldsWorker).length === 0);
    expect((await labRecordsOf(ldsWorker)).map((lab) => lab.status)).toEqual(['DELETED']);
  });

  it('holds a failed grading for the operator, then stops and terminates without a grade', async () => {
    const ready = await system.waitForStatus((await system.scheduledSession(definition, worker)).id, 'READY');
    system.sims.grading.setOutcome(ready.id, { fail: true, errorMessage: 'device unreachable', errorCode: 'E42' });
    const ldsSessionId = system.ldsSessionIdOf(ready);
    system.sims.lds.act(ldsSessionId, 'login');
    await system.waitForStatus(ready.id, 'RUNNING');
    system.sims.lds.act(ldsSessionId, 'finish');

    const held = await system.waitForStatus(ready.id, 'GRADING');
    await waitFor('the grading fault', async () => (await system.session(ready.id)).conditions.some((condition) => condition.reason === 'GradingFaulted'));
    const grading = await system.admin.sessions.gradingSession({ params: { lablet_session_id: held.id } });
    expect(grading).toMatchObject({ status: 'FAULTED' });
    expect(grading.error_message).toContain('device unreachable');

    const terminated = await system.waitForStatus(ready.id, 'TERMINATED', 30_000);
    expect(terminated.grade_result).toBeNull();
    expect(terminated.status_history.find((change) => change.to === 'STOPPING')?.reason).toContain('grading_failed');
  });

  describe('CloudEvents over HTTP', () => {
    const post = async (headers: Record<string, string>, body: string) => {
      const response = await fetch(system.eventsUrl, { method: 'POST', headers, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it('applies a binary login once, answers duplicates, ignores unknown types and rejects malformed bodies', async () => {
      const ready = await system.waitForStatus((await system.scheduledSession(definition, worker)).id, 'READY');
      const ldsSessionId = system.ldsSessionIdOf(ready);
      const binaryLogin = {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': `login-${ready.id}`,
        'ce-source': 'https://labs.lcm.io',
        'ce-type': 'io.lablet.lds.session.running.v1',
        'ce-subject': ldsSessionId,
      };
      expect(await post(binaryLogin, JSON.stringify({ aggregateId: ldsSessionId }))).toEqual({ status: 200, body: { status: 'applied' } });
      expect((await system.session(ready.id)).status).toBe('RUNNING');
      expect(await post(binaryLogin, JSON.stringify({ aggregateId: ldsSessionId }))).toEqual({ status: 200, body: { status: 'duplicate' } });
      const structuredAgain = JSON.stringify({ specversion: '1.0', id: `again-${ready.id}`, source: 'https://labs.lcm.io', type: 'lds.session.started', subject: ldsSessionId, data: {} });
      expect(await post({ 'content-type': 'application/cloudevents+json' }, structuredAgain)).toEqual({ status: 200, body: { status: 'no_change' } });

      const unknown = JSON.stringify({ specversion: '1.0', id: 'u-1', source: 'https://labs.lcm.io', type: 'com.cisco.certs.lds.session.created.v1', subject: ldsSessionId });
      expect((await post({ 'content-type': 'application/cloudevents+json' }, unknown)).status).toBe(202);
      expect((await post({ 'content-type': 'application/cloudevents+json' }, '{"specversion": "1.0", "id": ')).status).toBe(400);
      expect((await post({ 'content-type': 'application/cloudevents+json' }, JSON.stringify({ specversion: '1.0', id: 'm-1', source: 's', type: 'grading.session.completed', subject: ready.id, data: { score: 'ten' } }))).status).toBe(400);
      expect((await system.session(ready.id)).status).toBe('RUNNING');
      await system.admin.sessions.terminate({ params: { lablet_session_id: ready.id } });
    });
  });
});
