import { apiContract, type LabRecord } from '@lcm/contracts';
import { aLabRecordDoc } from '../testing/documents';
import { runContext, SessionHarness } from '../testing/session-harness';
import { LabDiscoveryReconciler } from './lab-discovery.reconciler';

describe('lab discovery v2', () => {
  let harness: SessionHarness;
  let reconciler: LabDiscoveryReconciler;

  beforeEach(() => {
    harness = new SessionHarness();
    reconciler = new LabDiscoveryReconciler({
      cpa: harness.cpa.client,
      systems: harness.systems,
      clock: harness.clock,
      intervalMs: 60_000,
      parallelism: 5,
    });
  });

  const discoverCalls = () =>
    harness.cpa.fake.callsTo(apiContract.internal.labRecords.discoverLabs).map((call) => call.body);

  /** A BOOTED lab on the simulated CML with these node tags, and its record (from the definition, without ports unless given). */
  async function bootedDefinitionLab(tags: Record<string, string[]>, record: Partial<LabRecord> = {}) {
    const nodes = Object.entries(tags).map(
      ([label, nodeTags], index) =>
        `{ id: n${index}, label: ${label}, node_definition: iosv, tags: ${JSON.stringify(nodeTags)} }`,
    );
    const labId = (await harness.cml.importLab(`nodes: [${nodes.join(', ')}]`, { title: 'by hand' })).id;
    await harness.cml.startLab(labId);
    return harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: labId,
        status: 'BOOTED',
        based_on_definition_id: harness.definition.id,
        allocated_ports: {},
        ...record,
      }),
    );
  }

  it('reports every lab of the worker with its mapped status, topology and checksum', async () => {
    const booted = (
      await harness.cml.importLab(
        'lab: { title: one }\nnodes: [{ id: n0, label: r1, node_definition: iosv, tags: ["serial:2000"] }]',
        { title: 'one' },
      )
    ).id;
    await harness.cml.startLab(booted);
    await harness.cml.importLab(
      'lab: { title: two }\nnodes: [{ id: n0, label: sw, node_definition: iosvl2 }]',
      { title: 'two' },
    );

    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));

    const [scan] = discoverCalls();
    expect(scan).toMatchObject({
      worker_id: harness.worker.id,
      scanned_at: harness.clock.now().toISOString(),
    });
    expect(scan?.labs.map((lab) => [lab.title, lab.status])).toEqual([
      ['one', 'BOOTED'],
      ['two', 'DEFINED'],
    ]);
    expect(scan?.labs[0]?.topology_spec).toMatchObject({
      nodes: [{ label: 'r1', tags: ['serial:2000'] }],
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(harness.cpa.fake.callsTo(apiContract.internal.workers.clearLabDiscoveryRequest)).toHaveLength(1);
  });

  it('reports a lab it cannot read in the errors and still scans the others', async () => {
    await harness.cml.importLab(
      'lab: { title: good }\nnodes: [{ id: n0, label: r1, node_definition: iosv }]',
      { title: 'good' },
    );
    const bad = (
      await harness.cml.importLab('nodes: [{ id: n0, label: r1, node_definition: iosv }]', { title: 'bad' })
    ).id;
    const download = harness.cml.downloadLab.bind(harness.cml);
    harness.cml.downloadLab = async (labId: string) =>
      labId === bad ? 'nodes: {not a list' : download(labId);

    expect(await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id))).toEqual({
      kind: 'done',
    });

    expect(discoverCalls()[0]?.labs.map((lab) => lab.title)).toEqual(['good']);
    expect(reconciler.lastScans.get(harness.worker.id)?.errors).toEqual([
      { lab_id: bad, message: expect.stringContaining('not valid YAML') },
    ]);
  });

  it('adds the missing protocol:port tags of a BOOTED lab imported from a definition, keeping its other tags', async () => {
    const record = await bootedDefinitionLab(
      { r1: ['core', 'serial:2000'], desktop: [] },
      { allocated_ports: { r1_serial: 2000, r1_ssh: 2001, desktop_vnc: 2002, bogus: 1 } },
    );
    const labId = record.runtime_binding.lab_id;

    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));

    const tags = Object.fromEntries(
      (await harness.cml.listNodes(labId)).map((node) => [node.label, node.tags]),
    );
    expect(tags).toEqual({ r1: ['core', 'serial:2000', 'ssh:2001'], desktop: ['vnc:2002'] });
    expect(reconciler.lastScans.get(harness.worker.id)).toMatchObject({ nodes_tagged: 2, errors: [] });
    harness.cml.recorder.reset();
    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));
    expect(harness.cml.recorder.callsTo('setNodeTags')).toEqual([]);
  });

  describe('ports of a BOOTED lab from a definition whose record holds none (spec §7.3.4)', () => {
    const claimRoute = apiContract.internal.labRecords.claimLabPorts;
    const claims = () => harness.cpa.fake.callsTo(claimRoute);

    beforeEach(() => {
      harness.cpa.fake.on(claimRoute, ({ params, body }) => {
        const lab = harness.cpa.lab(String(params.lab_record_id));
        return harness.cpa.add(harness.cpa.labs, { ...lab, allocated_ports: body.allocated_ports });
      });
    });

    it('records the ports its node tags name, once, and tags nothing more', async () => {
      const record = await bootedDefinitionLab({
        r1: ['core', 'serial:2000', 'ssh:2001'],
        desktop: ['vnc:2002', 'note:9'],
      });

      await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));

      expect(claims()).toEqual([
        {
          params: { lab_record_id: record.id },
          body: { allocated_ports: { r1_serial: 2000, r1_ssh: 2001, desktop_vnc: 2002 } },
        },
      ]);
      expect(harness.cml.recorder.callsTo('setNodeTags')).toEqual([]);
      expect(reconciler.lastScans.get(harness.worker.id)).toMatchObject({ ports_claimed: 1, errors: [] });
      await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));
      expect(claims()).toHaveLength(1);
    });

    it('reports a clash with the scan errors and still records the ports of the other labs', async () => {
      const clashing = await bootedDefinitionLab({ r1: ['ssh:2001'] });
      const next = await bootedDefinitionLab({ r1: ['ssh:2003'] });
      await bootedDefinitionLab({ r1: ['core'] });
      await bootedDefinitionLab({ r1: ['ssh:2004'] }, { based_on_definition_id: null });
      await bootedDefinitionLab({ r1: ['ssh:2005'] }, { status: 'DELETED' });
      harness.cpa.fake.failNext(claimRoute, 409, 1, 'CONFLICT');

      expect(await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id))).toEqual({
        kind: 'done',
      });

      expect(claims().map((call) => call.params)).toEqual([
        { lab_record_id: clashing.id },
        { lab_record_id: next.id },
      ]);
      expect(harness.cpa.lab(next.id).allocated_ports).toEqual({ r1_ssh: 2003 });
      expect(reconciler.lastScans.get(harness.worker.id)).toMatchObject({
        ports_claimed: 1,
        errors: [
          {
            lab_id: clashing.runtime_binding.lab_id,
            message: expect.stringMatching(/^ports not recorded: .*HTTP 409, CONFLICT/),
          },
        ],
      });
    });
  });

  it('leaves labs without a definition, without ports or not BOOTED untagged, and reports a tagging failure without failing the scan', async () => {
    const yaml = 'nodes: [{ id: n0, label: r1, node_definition: iosv }]';
    const discovered = (await harness.cml.importLab(yaml, { title: 'found' })).id;
    await harness.cml.startLab(discovered);
    const stopped = (await harness.cml.importLab(yaml, { title: 'stopped' })).id;
    const failing = (await harness.cml.importLab(yaml, { title: 'failing' })).id;
    await harness.cml.startLab(failing);
    harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: discovered,
        status: 'BOOTED',
        based_on_definition_id: null,
        allocated_ports: { r1_serial: 2000 },
      }),
    );
    harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: stopped,
        status: 'DEFINED',
        based_on_definition_id: harness.definition.id,
        allocated_ports: { r1_serial: 2001 },
      }),
    );
    harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: failing,
        status: 'BOOTED',
        based_on_definition_id: harness.definition.id,
        allocated_ports: { r1_serial: 2002 },
      }),
    );
    harness.cml.recorder.failNext('setNodeTags', new Error('tags must be an array of strings'));

    expect(await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id))).toEqual({
      kind: 'done',
    });

    expect(harness.cml.recorder.callsTo('setNodeTags').map(([labId]) => labId)).toEqual([failing]);
    expect(discoverCalls()[0]?.labs).toHaveLength(3);
    expect(reconciler.lastScans.get(harness.worker.id)?.errors).toEqual([
      { lab_id: failing, message: 'port tags not synced: tags must be an array of strings' },
    ]);
  });

  it('skips a worker that is not RUNNING and AVAILABLE', async () => {
    harness.cpa.workers.set(harness.worker.id, { ...harness.worker, service_status: 'UNAVAILABLE' });
    await reconciler.reconcile(harness.worker.id, runContext(harness.worker.id));
    expect(discoverCalls()).toEqual([]);
    expect(harness.cml.recorder.calls).toEqual([]);
  });

  it('lists the RUNNING, AVAILABLE workers at its own interval, at most five scanned at once', async () => {
    harness.cpa.fake.on(apiContract.internal.workers.listWorkers, () => ({
      items: [
        harness.worker,
        { ...harness.worker, id: 'worker-starting', service_status: 'STARTING' as const },
      ],
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
