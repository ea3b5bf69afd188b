import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConflictError, InvalidError, NotFoundError, UnavailableError } from '@lcm/integrations/http';
import { CmlFake } from './cml.fake';

const sampleLab = readFileSync(path.join(__dirname, 'test-fixtures', 'sample_cml_lab.yaml'), 'utf8');

describe('CmlFake', () => {
  it('imports a topology and exposes its nodes with their port tags', async () => {
    const cml = new CmlFake();
    const { id } = await cml.importLab(sampleLab, { title: 'session-1' });
    await expect(cml.getLab(id)).resolves.toMatchObject({ lab_title: 'session-1', state: 'DEFINED_ON_CORE', node_count: 2 });
    const nodes = await cml.listNodes(id);
    expect(nodes.map((node) => [node.label, node.tags])).toEqual([
      ['vmanage-mock', ['serial:5041']],
      ['ubuntu-desktop', ['serial:5042', 'vnc:5044']],
    ]);
  });

  it('follows the stop -> wipe -> delete order and rejects shortcuts with ConflictError', async () => {
    const cml = new CmlFake();
    const { id } = await cml.importLab(sampleLab);
    await cml.startLab(id);
    await expect(cml.isLabConverged(id)).resolves.toBe(true);
    await expect(cml.wipeLab(id)).rejects.toBeInstanceOf(ConflictError);
    await cml.stopLab(id);
    await expect(cml.getLabState(id)).resolves.toBe('STOPPED');
    await expect(cml.deleteLab(id)).rejects.toBeInstanceOf(ConflictError);
    await cml.wipeLab(id);
    await cml.deleteLab(id);
    await expect(cml.getLab(id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps nodes booting until told otherwise when boot is not immediate', async () => {
    const cml = new CmlFake({ bootImmediately: false });
    const { id } = await cml.importLab(sampleLab);
    await cml.startLab(id);
    await expect(cml.isLabConverged(id)).resolves.toBe(false);
    cml.completeBoot(id);
    await expect(cml.isLabConverged(id)).resolves.toBe(true);
  });

  it('extracts a configuration only from a booted node', async () => {
    const cml = new CmlFake();
    const { id } = await cml.importLab(sampleLab);
    const [node] = await cml.listNodes(id);
    if (!node) throw new Error('sample lab has nodes');
    await expect(cml.extractConfiguration(id, node.id)).rejects.toBeInstanceOf(ConflictError);
    await cml.startLab(id);
    await cml.extractConfiguration(id, node.id);
    const [main] = await cml.getNodeConfiguration(id, node.id);
    expect(main?.content).toContain('! extracted running-config');
  });

  it('derives node counts in system stats from its labs', async () => {
    const cml = new CmlFake();
    const { id } = await cml.importLab(sampleLab);
    await cml.startLab(id);
    await expect(cml.getSystemStats()).resolves.toMatchObject({ nodes: { total: 2, running: 2 } });
  });

  it('records calls and throws injected failures', async () => {
    const cml = new CmlFake();
    const outage = new UnavailableError({ system: 'cml', operation: 'getSystemInformation', status: 502 });
    cml.recorder.failNext('getSystemInformation', outage);
    await expect(cml.getSystemInformation()).rejects.toBe(outage);
    await expect(cml.getSystemInformation()).resolves.toMatchObject({ ready: true });
    expect(cml.recorder.operations()).toEqual(['getSystemInformation', 'getSystemInformation']);
  });

  it('registers and deregisters the licence like CML, refusing bad tokens and repeated deregistrations', async () => {
    const cml = new CmlFake();
    cml.rejectedLicenseTokens.add('bad');
    await cml.deregisterLicense();
    await expect(cml.getLicensing()).resolves.toMatchObject({ registration: { status: 'NOT_REGISTERED' } });
    await expect(cml.deregisterLicense()).rejects.toBeInstanceOf(ConflictError);
    await expect(cml.registerLicense('bad', false)).rejects.toBeInstanceOf(InvalidError);
    await cml.registerLicense('good', false);
    await expect(cml.getLicensing()).resolves.toMatchObject({ registration: { status: 'COMPLETED' } });
  });
});
