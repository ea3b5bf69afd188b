import { type LabletDefinition, type CmlWorker } from '@lcm/contracts';
import { type CmlFleetSimulator, type GradingSimulator, type LdsSimulator, startCmlFleetSimulator, startGradingSimulator, startLdsSimulator } from '@lcm/simulators';
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

jest.setTimeout(60_000);

describe('lablet-controller with the simulators, a control plane and etcd', () => {
  let system: LabletSystem<Sims>;
  let worker: CmlWorker;
  let definition: LabletDefinition;

  beforeAll(async () => {
    system = await LabletSystem.start({ startSimulators });
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
});
