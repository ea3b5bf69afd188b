import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualScheduler } from '../kit/scheduler';
import { CmlError, CmlWorker, deriveLabState, exportTopologyYaml, parseTopology } from './model';

const SAMPLE = readFileSync(join(__dirname, '../../../../../shared/data/sample_cml_lab.yaml'), 'utf8');
const latencies = { importMs: 0, queueMs: 1_000, bootMs: 60_000, stopMs: 5_000, wipeMs: 2_000, licenseRegistrationMs: 15_000 };

function setup(options: Partial<ConstructorParameters<typeof CmlWorker>[0]> = {}) {
  const clock = new ManualScheduler();
  const worker = new CmlWorker({ key: 'w1', latencies, ...options }, clock, 'secret');
  const { lab } = worker.importTopology(SAMPLE);
  return { clock, worker, lab };
}

const states = (worker: CmlWorker, labId: string) => worker.getLab(labId).nodes.map((n) => n.state);

describe('CML lab and node state machine', () => {
  it('imports the sample as DEFINED_ON_CORE with fresh UUIDs, labels and tags kept', () => {
    const { worker, lab } = setup();
    expect(worker.labState(lab)).toBe('DEFINED_ON_CORE');
    expect(lab.title).toBe('DEVASC_200-901_LAB-2.5.1');
    expect(lab.nodes.map((n) => [n.label, n.tags])).toEqual([
      ['vmanage-mock', ['serial:5041']],
      ['ubuntu-desktop', ['serial:5042', 'vnc:5044']],
    ]);
    expect(lab.nodes[0]!.id).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
    expect(lab.links).toHaveLength(1);
  });

  it('start: QUEUED -> STARTED -> BOOTED on the configured latencies; lab is STARTED, converged only when all booted', () => {
    const { clock, worker, lab } = setup();
    worker.startLab(lab);
    expect(states(worker, lab.id)).toEqual(['QUEUED', 'QUEUED']);
    expect(worker.labState(lab)).toBe('STARTED');
    clock.advance(1_000);
    expect(states(worker, lab.id)).toEqual(['STARTED', 'STARTED']);
    expect(worker.converged(lab)).toBe(false);
    clock.advance(59_999);
    expect(states(worker, lab.id)).toEqual(['STARTED', 'STARTED']);
    clock.advance(1);
    expect(states(worker, lab.id)).toEqual(['BOOTED', 'BOOTED']);
    expect(worker.converged(lab)).toBe(true);
  });

  it('stop -> STOPPED keeps disk state; wipe only after stop; delete only when DEFINED_ON_CORE', () => {
    const { clock, worker, lab } = setup();
    worker.startLab(lab);
    clock.advance(61_000);
    expect(() => worker.wipeLab(lab)).toThrow(CmlError);
    expect(() => worker.deleteLab(lab)).toThrow(/stopped and wiped/);
    worker.stopLab(lab);
    expect(() => worker.wipeLab(lab)).toThrow(/must be stopped/); // stop still in progress
    clock.advance(5_000);
    expect(worker.labState(lab)).toBe('STOPPED');
    worker.wipeLab(lab);
    clock.advance(2_000);
    expect(worker.labState(lab)).toBe('DEFINED_ON_CORE');
    worker.deleteLab(lab);
    expect(worker.labs.size).toBe(0);
  });

  it('stopping during boot cancels the pending boot', () => {
    const { clock, worker, lab } = setup();
    worker.startLab(lab);
    clock.advance(1_000);
    worker.stopLab(lab);
    clock.advance(120_000);
    expect(states(worker, lab.id)).toEqual(['STOPPED', 'STOPPED']);
  });

  it('derives the lab state from node states', () => {
    const node = (state: string) => ({ state }) as never;
    expect(deriveLabState([node('BOOTED'), node('STOPPED')])).toBe('STARTED');
    expect(deriveLabState([node('STOPPED'), node('DEFINED_ON_CORE')])).toBe('STOPPED');
    expect(deriveLabState([])).toBe('DEFINED_ON_CORE');
  });

  it('system stats reflect nodes running on the compute', () => {
    const { clock, worker, lab } = setup();
    const idle = worker.stats();
    expect([idle.runningNodes, idle.allocatedCpus, idle.allocatedMemoryKiB]).toEqual([0, 0, 0]);
    worker.startLab(lab);
    clock.advance(61_000);
    const busy = worker.stats();
    // mock-server 1 vCPU / 512 MB + ubuntu desktop 2 vCPU / 4096 MB (definition defaults: the sample leaves them null)
    expect([busy.runningNodes, busy.totalNodes, busy.allocatedCpus, busy.allocatedMemoryKiB]).toEqual([2, 2, 3, 4608 * 1024]);
    expect(busy.cpuPercent).toBeGreaterThan(idle.cpuPercent);
    expect(busy.memoryUsed - idle.memoryUsed).toBe(4608 * 1024 * 1024);
  });

  it('refuses a start that exceeds the simulated capacity with 400', () => {
    const { worker, lab } = setup({ memoryMb: 4096 });
    expect(() => worker.startLab(lab)).toThrow(expect.objectContaining({ status: 400 }) as CmlError);
    expect(states(worker, lab.id)).toEqual(['DEFINED_ON_CORE', 'DEFINED_ON_CORE']);
  });

  it('records telemetry for lab activity (idle detection input)', () => {
    const { clock, worker, lab } = setup();
    worker.startLab(lab);
    clock.advance(61_000);
    worker.stopLab(lab);
    clock.advance(5_000);
    expect(worker.telemetry.map((e) => e.category)).toEqual([
      'import_lab', 'start_lab', 'queue_node', 'queue_node', 'start_node', 'start_node', 'boot_node', 'boot_node', 'stop_lab', 'stop_node', 'stop_node',
    ]);
  });

  it('tokens: 403 on bad credentials, 401 once expired', () => {
    const { clock, worker } = setup({ tokenLifetimeMs: 10_000 });
    expect(() => worker.authenticate('admin', 'wrong')).toThrow(expect.objectContaining({ status: 403 }) as CmlError);
    const token = worker.authenticate('admin', 'admin');
    expect(token.split('.')).toHaveLength(3);
    expect(() => worker.checkToken(`Bearer ${token}`)).not.toThrow();
    clock.advance(10_000);
    expect(() => worker.checkToken(`Bearer ${token}`)).toThrow(/expired/);
    expect(() => worker.checkToken(undefined)).toThrow(expect.objectContaining({ status: 401 }) as CmlError);
  });

  it('extracts a running-config only from booted nodes whose definition supports it', () => {
    const clock = new ManualScheduler();
    const worker = new CmlWorker({ key: 'w', latencies }, clock, 's');
    const { lab } = worker.importTopology(
      JSON.stringify({ lab: { version: '0.3.0', title: 'r' }, nodes: [{ id: 'n0', label: 'r1', node_definition: 'iosv', x: 0, y: 0, configuration: 'hostname r1', interfaces: [{ id: 'i0', label: 'Gi0/0', type: 'physical', slot: 0 }] }] }),
    );
    const node = lab.nodes[0]!;
    expect(() => worker.extractConfiguration(lab, node)).toThrow(/not booted/);
    worker.startLab(lab);
    clock.advance(61_000);
    worker.extractConfiguration(lab, node);
    worker.extractConfiguration(lab, node);
    expect(node.configuration).toEqual([{ name: 'Main', content: `! Configuration extracted by CML simulator at ${new Date(clock.now()).toISOString()}\nhostname r1` }]);
    const sample = worker.importTopology(SAMPLE).lab;
    expect(() => worker.extractConfiguration(sample, sample.nodes[0]!)).toThrow(/does not support/);
  });

  it('licensing registration completes (or fails for a failing token) after its latency', () => {
    const { clock, worker } = setup({ licensed: false });
    expect(worker.license.registration).toBe('NOT_REGISTERED');
    worker.registerLicense('good-token', false);
    expect(worker.license.registration).toBe('IN_PROGRESS');
    clock.advance(15_000);
    expect([worker.license.registration, worker.license.authorization]).toEqual(['COMPLETED', 'IN_COMPLIANCE']);
    worker.deregisterLicense();
    worker.registerLicense('fail', false);
    clock.advance(15_000);
    expect(worker.license.registration).toBe('FAILED');
  });

  it('export re-numbers ids and re-imports to the same topology', () => {
    const { lab } = setup();
    const yaml = exportTopologyYaml(lab);
    expect(yaml).toContain('id: n0');
    const again = parseTopology(yaml, undefined, '2026-01-01T00:00:00.000Z');
    expect(again.nodes.map((n) => [n.label, n.tags, n.configuration.map((c) => c.name)])).toEqual(lab.nodes.map((n) => [n.label, n.tags, n.configuration.map((c) => c.name)]));
    expect(again.links[0]!.label).toBe(lab.links[0]!.label);
  });

  it('import errors are 400 with a description', () => {
    expect(() => parseTopology('nodes: [', undefined, 'x')).toThrow(expect.objectContaining({ status: 400 }) as CmlError);
    expect(() => parseTopology('lab: {title: t}', undefined, 'x')).toThrow(/lab.version/);
    expect(() => parseTopology('lab: {version: 0.3.0}\nlinks: [{n1: a, n2: b, i1: i0, i2: i0}]', undefined, 'x')).toThrow(/unknown node/);
  });
});
