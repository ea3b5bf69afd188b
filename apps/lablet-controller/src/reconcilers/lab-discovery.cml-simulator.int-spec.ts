import { apiContract } from '@lcm/contracts';
import { CmlHttpAdapter } from '@lcm/integrations/cml';
import { type CmlFleetSimulator, startCmlFleetSimulator } from '@lcm/simulators';
import { aLabRecordDoc } from '../testing/documents';
import { runContext, SessionHarness } from '../testing/session-harness';
import { LabDiscoveryReconciler } from './lab-discovery.reconciler';

const labYaml = (title: string) => `
lab:
  version: 0.3.0
  title: ${title}
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: 0
    y: 0
    tags: [core]
    interfaces: []
  - id: n1
    label: desktop
    node_definition: desktop
    x: 100
    y: 0
    tags: []
    interfaces: []
links: []
`;

/**
 * Discovery v2 over HTTP against the CML fleet simulator (spec §7.3.4): the scan reads the real
 * wire format, and the port tags of a BOOTED lab LCM imported from a definition are written with
 * PATCH node requests the simulator validates. The control plane side is the in-memory one of the
 * unit tests (its routes are exercised by the lablet-controller's system test).
 */
describe('lab discovery against the CML simulator', () => {
  let simulator: CmlFleetSimulator;
  let harness: SessionHarness;
  let cml: CmlHttpAdapter;
  const workerKey = 'discovery-int';

  beforeAll(async () => {
    simulator = await startCmlFleetSimulator({
      port: 0,
      defaultCredentials: { username: 'admin', password: 'admin' },
    });
    simulator.fleet.register({ key: workerKey });
  });
  afterAll(() => simulator.close());

  beforeEach(() => {
    harness = new SessionHarness();
    cml = new CmlHttpAdapter({
      baseUrl: simulator.workerApiUrl(workerKey),
      username: 'admin',
      password: 'admin',
      verifyTls: false,
    });
    Object.assign(harness.systems, { cml: () => cml });
  });

  async function waitForBoot(labId: string): Promise<void> {
    for (let attempt = 0; attempt < 100 && !(await cml.isLabConverged(labId)); attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }

  it('reports the labs and tags the nodes of a booted definition lab with its ports', async () => {
    const booted = (await cml.importLab(labYaml('booted'))).id;
    const idle = (await cml.importLab(labYaml('idle'))).id;
    await cml.startLab(booted);
    await waitForBoot(booted);
    harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: booted,
        status: 'BOOTED',
        based_on_definition_id: harness.definition.id,
        allocated_ports: { r1_serial: 5201, desktop_vnc: 5202 },
      }),
    );
    const reconciler = new LabDiscoveryReconciler({
      cpa: harness.cpa.client,
      systems: harness.systems,
      clock: harness.clock,
      intervalMs: 60_000,
      parallelism: 5,
    });

    expect(await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id))).toEqual({
      kind: 'done',
    });

    const [scan] = harness.cpa.fake
      .callsTo(apiContract.internal.labRecords.discoverLabs)
      .map((call) => call.body);
    const statusOf = Object.fromEntries((scan?.labs ?? []).map((lab) => [lab.lab_id, lab.status]));
    expect(statusOf[booted]).toBe('BOOTED');
    expect(statusOf[idle]).toBe('DEFINED');
    const tags = Object.fromEntries((await cml.listNodes(booted)).map((node) => [node.label, node.tags]));
    expect(tags).toEqual({ r1: ['core', 'serial:5201'], desktop: ['vnc:5202'] });
    expect((await cml.listNodes(idle)).map((node) => node.tags)).toEqual([['core'], []]);
    expect(reconciler.lastScans.get(harness.worker.id)).toMatchObject({ nodes_tagged: 2, errors: [] });

    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));
    expect(reconciler.lastScans.get(harness.worker.id)).toMatchObject({ nodes_tagged: 0 });
  }, 30_000);
});
