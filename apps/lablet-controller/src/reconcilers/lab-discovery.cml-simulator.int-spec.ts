import { apiContract } from '@lcm/contracts';
import { ControlPlaneApiClient, PublicApiClient } from '@lcm/cpa-client';
import { SystemClock } from '@lcm/domain';
import { CmlHttpAdapter } from '@lcm/integrations/cml';
import { type CmlFleetSimulator, startCmlFleetSimulator } from '@lcm/simulators';
import { ControlPlaneProcess, infraEndpoints } from '@lcm/testing';
import { aLabRecordDoc } from '../testing/documents';
import { reportRunningWorker, testDefinitionBody } from '../testing/lablet-system';
import { runContext, SessionHarness } from '../testing/session-harness';
import { LabDiscoveryReconciler } from './lab-discovery.reconciler';

const labYaml = (title: string, tags: { r1: string[]; desktop: string[] } = { r1: [], desktop: [] }) => `
lab:
  version: 0.3.0
  title: ${title}
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: 0
    y: 0
    tags: ${JSON.stringify(['core', ...tags.r1])}
    interfaces: []
  - id: n1
    label: desktop
    node_definition: desktop
    x: 100
    y: 0
    tags: ${JSON.stringify(tags.desktop)}
    interfaces: []
links: []
`;

/** The control plane this file starts listens here (the range this suite's processes use). */
const CONTROL_PLANE_PORT = 19_601;

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

  it('records on the worker, through a control plane, the tagged ports of a lab made on CML from a definition', async () => {
    const cpa = await ControlPlaneProcess.start({
      etcdEndpoint: infraEndpoints().etcdEndpoints[0]!,
      port: CONTROL_PLANE_PORT,
    });
    try {
      const token = await cpa.token(['admin']);
      const admin = new PublicApiClient({ baseUrl: cpa.url, accessToken: () => token });
      const internal = new ControlPlaneApiClient({
        baseUrl: cpa.url,
        apiKey: cpa.apiKey,
        actor: 'lablet-controller',
      });
      const worker = await reportRunningWorker(admin, internal);
      const definition = await admin.definitions.create({ body: testDefinitionBody() });
      const { port_range } = await admin.workers.ports({ params: { worker_id: worker.id } });
      const [serial, vnc] = [port_range.start + 7, port_range.start + 8];
      // Made by hand on CML from the definition's topology: its record knows the definition, not the ports.
      const yaml = labYaml('by hand', { r1: [`serial:${serial}`], desktop: [`vnc:${vnc}`] });
      const record = await internal.labs.create({
        body: {
          worker_id: worker.id,
          title: 'by hand',
          topology_yaml: yaml,
          based_on_definition_id: definition.id,
        },
      });
      const labId = (await cml.importLab(yaml)).id;
      await cml.startLab(labId);
      await waitForBoot(labId);
      await internal.labs.updateStatus({
        params: { lab_record_id: record.id },
        body: { status: 'DEFINED', lab_id: labId, observed_at: new Date().toISOString() },
      });
      const reconciler = new LabDiscoveryReconciler({
        cpa: internal,
        systems: harness.systems,
        clock: new SystemClock(),
        intervalMs: 60_000,
        parallelism: 5,
      });

      await reconciler.reconcile(worker.id, runContext(worker.id));

      expect(reconciler.lastScans.get(worker.id)).toMatchObject({ ports_claimed: 1, errors: [] });
      const ports = { r1_serial: serial, desktop_vnc: vnc };
      expect(await internal.labs.get({ params: { lab_record_id: record.id } })).toMatchObject({
        status: 'BOOTED',
        allocated_ports: ports,
      });
      expect((await admin.workers.ports({ params: { worker_id: worker.id } })).allocations).toEqual([
        expect.objectContaining({ holder_id: record.id, holder_kind: 'lab_record', ports }),
      ]);
    } finally {
      await cpa.kill();
    }
  }, 120_000);
});
