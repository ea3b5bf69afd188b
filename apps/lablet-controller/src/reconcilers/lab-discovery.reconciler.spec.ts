import { apiContract } from '@lcm/contracts';
import { runContext, SessionHarness } from '../testing/session-harness';
import { LabDiscoveryReconciler } from './lab-discovery.reconciler';

describe('lab discovery v2', () => {
  let harness: SessionHarness;
  let reconciler: LabDiscoveryReconciler;

  beforeEach(() => {
    harness = new SessionHarness();
    reconciler = new LabDiscoveryReconciler({ cpa: harness.cpa.client, systems: harness.systems, clock: harness.clock, intervalMs: 60_000, parallelism: 5 });
  });

  const discoverCalls = () => harness.cpa.fake.callsTo(apiContract.internal.labRecords.discoverLabs).map((call) => call.body);

  it('reports every lab of the worker with its mapped status, topology and checksum', async () => {
    const booted = (await harness.cml.importLab('lab: { title: one }\nnodes: [{ id: n0, label: r1, node_definition: iosv, tags: ["serial:2000"] }]', { title: 'one' })).id;
    await harness.cml.startLab(booted);
    await harness.cml.importLab('lab: { title: two }\nnodes: [{ id: n0, label: sw, node_definition: iosvl2 }]', { title: 'two' });

    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));

    const [scan] = discoverCalls();
    expect(scan).toMatchObject({ worker_id: harness.worker.id, scanned_at: harness.clock.now().toISOString() });
    expect(scan?.labs.map((lab) => [lab.title, lab.status])).toEqual([
      ['one', 'BOOTED'],
      ['two', 'DEFINED'],
    ]);
    expect(scan?.labs[0]?.topology_spec).toMatchObject({ nodes: [{ label: 'r1', tags: ['serial:2000'] }], checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(harness.cpa.fake.callsTo(apiContract.internal.workers.clearLabDiscoveryRequest)).toHaveLength(1);
  });

  it('reports a lab it cannot read in the errors and still scans the others', async () => {
    await harness.cml.importLab('lab: { title: good }\nnodes: [{ id: n0, label: r1, node_definition: iosv }]', { title: 'good' });
    const bad = (await harness.cml.importLab('nodes: [{ id: n0, label: r1, node_definition: iosv }]', { title: 'bad' })).id;
    const download = harness.cml.downloadLab.bind(harness.cml);
    harness.cml.downloadLab = async (labId: string) => (labId === bad ? 'nodes: {not a list' : download(labId));

    expect(await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id))).toEqual({ kind: 'done' });

    expect(discoverCalls()[0]?.labs.map((lab) => lab.title)).toEqual(['good']);
    expect(reconciler.lastScans.get(harness.worker.id)?.errors).toEqual([{ lab_id: bad, message: expect.stringContaining('not valid YAML') }]);
  });

  it('skips a worker that is not RUNNING and AVAILABLE', async () => {
    harness.cpa.workers.set(harness.worker.id, { ...harness.worker, service_status: 'UNAVAILABLE' });
    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));
    expect(discoverCalls()).toEqual([]);
    expect(harness.cml.recorder.calls).toEqual([]);
  });

  it('lists the RUNNING, AVAILABLE workers at its own interval, at most five scanned at once', async () => {
    harness.cpa.fake.on(apiContract.internal.workers.listWorkers, () => ({
      items: [harness.worker, { ...harness.worker, id: 'worker-starting', service_status: 'STARTING' as const }],
      next_cursor: null,
    }));
    const [list] = reconciler.sources;
    expect(await list!.list!()).toEqual([harness.worker.id]);
    expect(list!.listIntervalMs).toBe(60_000);
    expect(reconciler.parallelism).toBe(5);
  });

  it('is paused by features.lab_discovery_v2_enabled: no listing, no scan', async () => {
    harness.cpa.settings = { ...harness.cpa.settings, features: { lab_discovery_v2_enabled: false } };
    expect(await reconciler.sources[0]!.list!()).toEqual([]);
    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));
    expect(discoverCalls()).toEqual([]);
    expect(harness.cml.recorder.calls).toEqual([]);
  });
});
