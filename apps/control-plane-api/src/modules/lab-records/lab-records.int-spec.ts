import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { type Etcd3 } from 'etcd3';
import {
  MAX_PAGE_LIMIT,
  MAX_TEXT_LENGTH,
  apiContract,
  buildPath,
  type DiscoveredLab,
  etcdKeys,
  INTERNAL_API_KEY_HEADER,
  type LabRecord,
  type Role,
  type Route,
} from '@lcm/contracts';
import { CommandBus } from '@nestjs/cqrs';
import { aWorker } from '@lcm/testing';
import { ETCD_CLIENT } from '../../platform/platform.tokens';
import { type RunningTestApp, startTestApp, TEST_INTERNAL_API_KEY, devToken } from '../../testing/test-app';
import { CmlWorkerRepository } from '../workers/infrastructure/cml-worker.repository';
import { FailStaleLabActionsCommand } from './application/commands/fail-stale-lab-actions.command';
import { LabRecordRepository } from './infrastructure/lab-record.repository';

const publicRoutes = apiContract.public.labRecords;
const internalRoutes = apiContract.internal.labRecords;

const TOPOLOGY_YAML = `
lab:
  title: Two routers
  description: r1 to r2
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: 0
    y: 0
    tags: ["serial:5041"]
    interfaces: [{ id: i0, label: Gi0/0 }]
  - id: n1
    label: r2
    node_definition: iosv
    interfaces: [{ id: i0, label: Gi0/0 }]
links:
  - { id: l0, n1: n0, i1: i0, n2: n1, i2: i0 }
`;

const scannedLab = (labId: string, overrides: Partial<DiscoveredLab> = {}): DiscoveredLab => ({
  lab_id: labId,
  title: `CML lab ${labId}`,
  node_count: 1,
  link_count: 0,
  status: 'DEFINED',
  topology_spec: { nodes: [{ label: 'r1', tags: [] }], links: [], annotations: [] },
  modified_at: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

describe('lab records over HTTP', () => {
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let etcd: Etcd3;
  let workerId: string;
  const tokens = new Map<Role, string>();
  const internal = {
    headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY, 'x-lcm-actor': 'lablet-controller' },
  };
  const as = (role: Role) => ({ headers: { authorization: `Bearer ${tokens.get(role)}` } });
  const path = (route: Route, id: string) =>
    buildPath(route as typeof publicRoutes.getLabRecord, { lab_record_id: id });

  async function discover(labs: DiscoveredLab[], partial_scan = false) {
    return http.post(
      internalRoutes.discoverLabs.path,
      { worker_id: workerId, labs, partial_scan, scanned_at: new Date().toISOString() },
      internal,
    );
  }

  async function discoveredRecord(
    labId = `cml-${randomUUID().slice(0, 8)}`,
    status: DiscoveredLab['status'] = 'DEFINED',
  ): Promise<LabRecord> {
    await discover([scannedLab(labId)], true);
    await discover([scannedLab(labId, { status })], true);
    const list = await http.get(internalRoutes.listLabRecords.path, {
      ...internal,
      params: { worker_id: workerId, search: labId },
    });
    return list.data.items[0] as LabRecord;
  }

  async function importLab(yaml = TOPOLOGY_YAML): Promise<LabRecord> {
    const created = await http.post(
      publicRoutes.importLab.path,
      { worker_id: workerId, yaml },
      as('manager'),
    );
    expect(created.status).toBe(201);
    return created.data as LabRecord;
  }

  beforeAll(async () => {
    cpa = await startTestApp();
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
    etcd = cpa.app.get<Etcd3>(ETCD_CLIENT);
    for (const role of ['admin', 'manager', 'user'] as const) {
      tokens.set(role, await devToken(http, [role], `${role}-1`));
    }
    workerId = randomUUID();
    await cpa.app
      .get(CmlWorkerRepository)
      .save(aWorker().running().with({ id: workerId, version: 0 }).build());
  });
  afterAll(() => cpa.close());

  describe('discovery (spec §7.3.4)', () => {
    it('creates unknown labs as DISCOVERED, maps known ones, revises changed topologies and orphans missing ones', async () => {
      const [a, b] = [`cml-a-${randomUUID().slice(0, 6)}`, `cml-b-${randomUUID().slice(0, 6)}`];
      const first = await discover([scannedLab(a), scannedLab(b, { status: 'BOOTED' })], true);
      expect(first.status).toBe(200);
      expect(first.data).toEqual({
        synced: 2,
        discovered: 2,
        updated: 0,
        orphaned: 0,
        revisions_created: 0,
        errors: [],
      });

      const changedTopology = {
        nodes: [
          { label: 'r1', tags: [] },
          { label: 'r2', tags: [] },
        ],
        links: [],
        annotations: [],
      };
      const second = await discover([
        scannedLab(a, {
          status: 'BOOTED',
          topology_spec: changedTopology,
          modified_at: '2030-01-02T00:00:00.000Z',
        }),
      ]);
      expect(second.data).toMatchObject({
        synced: 1,
        discovered: 0,
        updated: 1,
        revisions_created: 1,
        errors: [],
      });
      expect(second.data.orphaned).toBeGreaterThanOrEqual(1);

      const records = (
        await http.get(internalRoutes.listLabRecords.path, {
          ...internal,
          params: { worker_id: workerId, limit: 200 },
        })
      ).data.items as LabRecord[];
      const recordA = records.find((record) => record.runtime_binding.lab_id === a) as LabRecord;
      const recordB = records.find((record) => record.runtime_binding.lab_id === b) as LabRecord;
      expect(recordA).toMatchObject({ status: 'BOOTED', revision: 2, node_count: 2, source: 'discovery' });
      expect(recordB.status).toBe('ORPHANED');

      const revisions = await http.get(path(publicRoutes.listLabRevisions, recordA.id), as('user'));
      expect(revisions.data.items.map((revision: { revision: number }) => revision.revision)).toEqual([2, 1]);

      const reappeared = await discover([scannedLab(b, { status: 'BOOTED' })], true);
      expect(reappeared.data.updated).toBe(1);
      expect((await http.get(path(publicRoutes.getLabRecord, recordB.id), as('user'))).data.status).toBe(
        'DISCOVERED',
      );
    });

    it('keeps the status while an action is pending and ignores metadata older than the stored one (R6)', async () => {
      const record = await discoveredRecord();
      await http.post(path(publicRoutes.startLab, record.id), undefined, as('admin'));
      const labId = record.runtime_binding.lab_id;
      await discover(
        [
          scannedLab(labId, {
            status: 'STOPPED',
            title: 'stale title',
            modified_at: '2029-01-01T00:00:00.000Z',
          }),
        ],
        true,
      );
      const after = (await http.get(path(publicRoutes.getLabRecord, record.id), as('user')))
        .data as LabRecord;
      expect(after).toMatchObject({ status: 'DEFINED', pending_action: 'start', title: record.title });
    });

    it('answers 404 for an unknown worker and 400 naming bad fields, changing nothing', async () => {
      const unknown = await http.post(
        internalRoutes.discoverLabs.path,
        { worker_id: randomUUID(), labs: [], scanned_at: new Date().toISOString() },
        internal,
      );
      expect(unknown.status).toBe(404);
      const bad = await http.post(
        internalRoutes.discoverLabs.path,
        { labs: [{ lab_id: 'x', status: 'RUNNING' }], extra: true },
        internal,
      );
      expect(bad.status).toBe(400);
      expect(bad.data.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['body.worker_id', 'body.extra', 'body.scanned_at']),
      );
    });

    it('applies every good entry of a scan and lists each bad one in errors, without orphaning it', async () => {
      const known = await discoveredRecord();
      const knownLabId = known.runtime_binding.lab_id;
      const fresh = `cml-ok-${randomUUID().slice(0, 6)}`;
      const { lab_id: _missing, ...withoutLabId } = scannedLab('ignored');
      const scan = await discover([
        withoutLabId as DiscoveredLab,
        scannedLab(fresh),
        { ...scannedLab(knownLabId), status: 'NOT_A_STATUS' } as unknown as DiscoveredLab,
        // Texts the store cannot hold or its field does not allow, which input parsing refuses in
        // any other request, are one entry's fault here too (found by pnpm fuzz:api).
        { ...scannedLab('cml-nul-key'), 'odd\u0000key': 1 } as unknown as DiscoveredLab,
        { ...scannedLab('cml-long-title'), title: 'x'.repeat(MAX_TEXT_LENGTH + 1) },
      ]);
      expect(scan.status).toBe(200);
      expect(scan.data).toMatchObject({ synced: 1, discovered: 1 });
      expect(scan.data.errors).toEqual([
        { lab_id: null, message: expect.stringContaining('body.labs.0.lab_id') },
        { lab_id: knownLabId, message: expect.stringContaining('body.labs.2.status') },
        { lab_id: 'cml-nul-key', message: 'body.labs.3: keys must not contain a NUL character' },
        { lab_id: 'cml-long-title', message: expect.stringContaining('body.labs.4.title: at most') },
      ]);
      // A full scan: the badly described lab was seen all the same, so it is not orphaned.
      expect((await http.get(path(publicRoutes.getLabRecord, known.id), as('user'))).data.status).toBe(
        'DEFINED',
      );
      const listed = await http.get(internalRoutes.listLabRecords.path, {
        ...internal,
        params: { worker_id: workerId, search: fresh },
      });
      expect(listed.data.items).toEqual([expect.objectContaining({ status: 'DISCOVERED' })]);
    });
  });

  describe('pending actions (spec §4.2, §7.3.3)', () => {
    it('records the action without moving the status, publishes the etcd key and clears it on completion', async () => {
      const record = await discoveredRecord();
      const requested = await http.post(path(publicRoutes.startLab, record.id), undefined, as('manager'));
      expect(requested.status).toBe(202);
      expect(requested.data).toMatchObject({ status: 'DEFINED', pending_action: 'start' });
      const key = etcdKeys.labPendingAction(record.id);
      expect(JSON.parse((await etcd.get(key).string()) as string)).toMatchObject({
        action: 'start',
        lab_id: record.runtime_binding.lab_id,
        worker_id: workerId,
      });

      expect((await http.post(path(publicRoutes.stopLab, record.id), undefined, as('manager'))).status).toBe(
        409,
      );
      const pending = await http.get(internalRoutes.listLabRecords.path, {
        ...internal,
        params: { has_pending_action: 'true', worker_id: workerId, limit: 200 },
      });
      expect(pending.data.items.map((item: LabRecord) => item.id)).toContain(record.id);

      const completed = await http.post(
        path(internalRoutes.completeLabAction, record.id),
        { action: 'start' },
        internal,
      );
      expect(completed.status).toBe(200);
      expect(completed.data).toMatchObject({ status: 'BOOTED', pending_action: null });
      expect(completed.data.run_history).toHaveLength(1);
      expect(await etcd.get(key).string()).toBeNull();

      await http.post(path(publicRoutes.stopLab, record.id), undefined, as('admin'));
      const failed = await http.post(
        path(internalRoutes.failLabAction, record.id),
        { action: 'stop', error_message: 'cml timeout', transition_to_error: true },
        internal,
      );
      expect(failed.data).toMatchObject({
        status: 'ERROR',
        pending_action: null,
        pending_action_error: 'cml timeout',
        previous_status_before_error: 'BOOTED',
      });
      // A well-formed report the record's state refuses (nothing pending) is a conflict, not a bad
      // request (as 400, fuzz:api's stateful phase took it for valid data refused: ST202).
      const nothingPending = await http.post(
        path(internalRoutes.failLabAction, record.id),
        { action: 'stop', error_message: 'again' },
        internal,
      );
      expect(nothingPending.status).toBe(409);
      expect(nothingPending.data.code).toBe('CONFLICT');
      expect(await etcd.get(key).string()).toBeNull();
    });

    it('refuses actions on terminal records (400) and archive with a pending action (409)', async () => {
      const record = await discoveredRecord(undefined, 'STOPPED');
      await http.post(path(publicRoutes.wipeLab, record.id), undefined, as('admin'));
      expect((await http.post(path(publicRoutes.archiveLab, record.id), undefined, as('admin'))).status).toBe(
        409,
      );
      await http.post(
        path(internalRoutes.failLabAction, record.id),
        { action: 'wipe', error_message: 'nope' },
        internal,
      );
      const archived = await http.post(path(publicRoutes.archiveLab, record.id), undefined, as('admin'));
      expect(archived.status).toBe(200);
      expect(archived.data.status).toBe('ARCHIVED');
      const refused = await http.post(path(publicRoutes.deleteLab, record.id), undefined, as('admin'));
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect((await http.post(path(publicRoutes.archiveLab, record.id), undefined, as('admin'))).status).toBe(
        200,
      );
      expect((await http.post(path(publicRoutes.cloneLab, record.id), {}, as('admin'))).status).toBe(409);
    });

    it('fails pending actions older than the stale timeout with "Timed out after N minutes" (R5)', async () => {
      const record = await discoveredRecord();
      await http.post(path(publicRoutes.startLab, record.id), undefined, as('admin'));
      const repository = cpa.app.get(LabRecordRepository);
      await repository.collection.updateOne({ _id: record.id } as never, {
        $set: { pending_action_at: new Date(Date.now() - 31 * 60_000).toISOString() },
      });
      expect(await cpa.app.get(CommandBus).execute(new FailStaleLabActionsCommand())).toBeGreaterThanOrEqual(
        1,
      );
      const after = (await http.get(path(publicRoutes.getLabRecord, record.id), as('user')))
        .data as LabRecord;
      expect(after).toMatchObject({
        pending_action: null,
        pending_action_error: 'Timed out after 30 minutes',
      });
      expect(await etcd.get(etcdKeys.labPendingAction(record.id)).string()).toBeNull();
    });
  });

  describe('import, clone, export', () => {
    it('imports YAML as an IMPORTING record, clones it on the same worker and exports the stored YAML', async () => {
      const imported = await importLab();
      expect(imported).toMatchObject({
        status: 'IMPORTING',
        source: 'import',
        title: 'Two routers',
        node_count: 2,
        link_count: 1,
        pending_action: null,
      });
      const topology = (await http.get(path(publicRoutes.getLabTopology, imported.id), as('user'))).data;
      expect(topology.topology_spec.links).toEqual([
        expect.objectContaining({ source_node: 'r1', source_interface: 'Gi0/0', target_node: 'r2' }),
      ]);

      const clone = await http.post(path(publicRoutes.cloneLab, imported.id), {}, as('admin'));
      expect(clone.status).toBe(201);
      expect(clone.data).toMatchObject({
        status: 'IMPORTING',
        source: 'clone',
        title: 'Clone of Two routers',
        runtime_binding: { worker_id: workerId },
      });

      const exported = await http.post(path(publicRoutes.exportLab, imported.id), undefined, as('user'));
      expect(exported.status).toBe(200);
      expect(exported.data).toEqual({ file_name: 'Two-routers.yaml', topology_yaml: TOPOLOGY_YAML });
    });

    it('builds export YAML from a discovered topology', async () => {
      const record = await discoveredRecord();
      const exported = await http.post(path(publicRoutes.exportLab, record.id), undefined, as('user'));
      expect(exported.data.topology_yaml).toContain('label: r1');
      expect(exported.data.topology_yaml).toContain(`title: ${record.title}`);
    });

    it('registers a controller import with its ports and session, and survives a full scan that does not list it yet', async () => {
      const sessionId = randomUUID();
      const registered = await http.post(
        internalRoutes.registerLabImport.path,
        {
          worker_id: workerId,
          title: 'cold import',
          topology_yaml: TOPOLOGY_YAML,
          allocated_ports: { r1_serial: 5041 },
          lablet_session_id: sessionId,
        },
        internal,
      );
      expect(registered.status).toBe(201);
      expect(registered.data).toMatchObject({
        status: 'IMPORTING',
        allocated_ports: { r1_serial: 5041 },
        active_lablet_session_id: sessionId,
      });
      await discover([]);
      expect(
        (await http.get(path(internalRoutes.getLabRecord, registered.data.id), internal)).data.status,
      ).toBe('IMPORTING');
    });

    it('binds a registered import to the lab id CML assigned, so the next scan updates it instead of discovering a stranger', async () => {
      const registered = await http.post(
        internalRoutes.registerLabImport.path,
        { worker_id: workerId, title: 'bound import', topology_yaml: TOPOLOGY_YAML },
        internal,
      );
      const statusPath = path(internalRoutes.updateLabStatus, registered.data.id);
      const cmlLabId = `cml-${randomUUID().slice(0, 8)}`;
      const imported = await http.put(
        statusPath,
        { status: 'DEFINED', observed_at: new Date(Date.now() + 1000).toISOString(), lab_id: cmlLabId },
        internal,
      );
      expect(imported.status).toBe(200);
      expect(imported.data).toMatchObject({ status: 'DEFINED', runtime_binding: { lab_id: cmlLabId } });

      const scan = await discover([scannedLab(cmlLabId, { title: 'bound import', status: 'BOOTED' })], true);
      expect(scan.data).toMatchObject({ discovered: 0 });
      const onWorker = await http.get(internalRoutes.listLabRecords.path, {
        ...internal,
        params: { worker_id: workerId, search: cmlLabId },
      });
      expect(onWorker.data.items.map((item: LabRecord) => item.id)).toEqual([registered.data.id]);

      const rebind = await http.put(
        statusPath,
        {
          status: 'DEFINED',
          observed_at: new Date(Date.now() + 2000).toISOString(),
          lab_id: 'some-other-lab',
        },
        internal,
      );
      expect(rebind.status).toBe(409);
      expect(rebind.data.code).toBe('CONFLICT');
    });

    it('names the bad YAML field and rejects unknown fields with 400', async () => {
      const bad = await http.post(
        publicRoutes.importLab.path,
        { worker_id: workerId, yaml: 'nodes: [unclosed' },
        as('admin'),
      );
      expect(bad.status).toBe(400);
      expect(bad.data.errors[0].field).toBe('body.yaml');
      const unknownField = await http.post(
        publicRoutes.importLab.path,
        { worker_id: workerId, yaml: TOPOLOGY_YAML, colour: 'red' },
        as('admin'),
      );
      expect(unknownField.status).toBe(400);
      const unknownWorker = await http.post(
        publicRoutes.importLab.path,
        { worker_id: randomUUID(), yaml: TOPOLOGY_YAML },
        as('admin'),
      );
      expect(unknownWorker.status).toBe(404);
    });
  });

  describe('controller reports', () => {
    it('applies observed statuses by the table, ignores stale observations, revises topology and records runs', async () => {
      const imported = await importLab();
      const statusPath = path(internalRoutes.updateLabStatus, imported.id);
      const now = () => new Date(Date.now() + 1000).toISOString();
      expect(
        (await http.put(statusPath, { status: 'DEFINED', observed_at: now() }, internal)).data.status,
      ).toBe('DEFINED');
      expect((await http.put(statusPath, { status: 'STOPPING', observed_at: now() }, internal)).status).toBe(
        409,
      );
      const stale = await http.put(
        statusPath,
        { status: 'STARTING', observed_at: '2000-01-01T00:00:00.000Z' },
        internal,
      );
      expect(stale.data.status).toBe('DEFINED');

      const topology = { nodes: [{ label: 'r9', tags: [] }], links: [], annotations: [] };
      const revised = await http.put(
        path(internalRoutes.updateLabTopology, imported.id),
        { topology_spec: topology, checksum: 'lc-checksum', observed_at: now() },
        internal,
      );
      expect(revised.data).toMatchObject({ revision: 2, node_count: 1 });

      const run = {
        run_id: 'run-1',
        started_at: '2030-01-01T10:00:00.000Z',
        stopped_at: '2030-01-01T11:00:00.000Z',
        duration_seconds: 3600,
        started_by: 'lablet-controller',
        stop_reason: 'session ended',
        lablet_session_id: null,
        final_state: 'STOPPED',
      };
      expect((await http.post(path(internalRoutes.recordLabRun, imported.id), run, internal)).status).toBe(
        201,
      );
      await http.post(
        path(internalRoutes.recordLabRun, imported.id),
        { ...run, stop_reason: 'replaced' },
        internal,
      );
      const runs = await http.get(path(publicRoutes.listLabRuns, imported.id), as('user'));
      expect(runs.data).toEqual({
        items: [expect.objectContaining({ run_id: 'run-1', stop_reason: 'replaced' })],
        next_cursor: null,
      });
    });

    it('derives a run duration from its times and fills what a minimal run report leaves out', async () => {
      const imported = await importLab();
      const runPath = path(internalRoutes.recordLabRun, imported.id);
      const timed = await http.post(
        runPath,
        {
          run_id: 'timed',
          started_at: '2030-01-01T10:00:00.000Z',
          stopped_at: '2030-01-01T10:02:30.000Z',
          duration_seconds: 1,
        },
        internal,
      );
      expect(timed.status).toBe(201);
      expect((await http.post(runPath, {}, internal)).status).toBe(201);
      const backwards = await http.post(
        runPath,
        { started_at: '2030-01-01T10:00:00.000Z', stopped_at: '2030-01-01T09:00:00.000Z' },
        internal,
      );
      expect(backwards.status).toBe(400);
      expect(backwards.data.errors).toEqual([expect.objectContaining({ field: 'body.stopped_at' })]);
      // Only a stop time in the past: it started no later (found by fuzz:api: a start of "now" made
      // the duration negative, and every later read of the record answered 500).
      const stopOnly = await http.post(
        runPath,
        { run_id: 'stop-only', stopped_at: '2020-02-29T00:00:00.000Z' },
        internal,
      );
      expect(stopOnly.status).toBe(201);
      expect((await http.get(path(publicRoutes.getLabRecord, imported.id), as('user'))).status).toBe(200);

      const runs = (await http.get(path(publicRoutes.listLabRuns, imported.id), as('user'))).data.items;
      expect(runs).toHaveLength(3);
      expect(runs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ run_id: 'timed', duration_seconds: 150, started_by: 'system' }),
          expect.objectContaining({
            run_id: 'stop-only',
            started_at: '2020-02-29T00:00:00.000Z',
            duration_seconds: 0,
          }),
          expect.objectContaining({
            run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            stopped_at: null,
            duration_seconds: null,
            started_by: 'system',
          }),
        ]),
      );
    });

    it('counts a new record as revision 1, so its first topology change is revision 2', async () => {
      const labId = `cml-bare-${randomUUID().slice(0, 6)}`;
      const { topology_spec: _none, ...withoutTopology } = scannedLab(labId);
      await discover([withoutTopology], true);
      const record = (
        await http.get(internalRoutes.listLabRecords.path, {
          ...internal,
          params: { worker_id: workerId, search: labId },
        })
      ).data.items[0] as LabRecord;
      expect(record.revision).toBe(1);
      const topology = { nodes: [{ label: 'r1', tags: [] }], links: [], annotations: [] };
      const revised = await http.put(
        path(internalRoutes.updateLabTopology, record.id),
        { topology_spec: topology, checksum: 'x', observed_at: new Date(Date.now() + 1000).toISOString() },
        internal,
      );
      expect(revised.data.revision).toBe(2);
      const revisions = await http.get(path(publicRoutes.listLabRevisions, record.id), as('user'));
      expect(revisions.data.items.map((revision: { revision: number }) => revision.revision)).toEqual([2]);
    });

    it('frees a deleted lab from the session that imported it, so it is no longer listed in use', async () => {
      const title = `import to delete ${randomUUID().slice(0, 8)}`;
      const registered = await http.post(
        internalRoutes.registerLabImport.path,
        { worker_id: workerId, title, topology_yaml: TOPOLOGY_YAML, lablet_session_id: randomUUID() },
        internal,
      );
      const statusPath = path(internalRoutes.updateLabStatus, registered.data.id);
      const now = () => new Date(Date.now() + 1000).toISOString();
      const labId = `cml-${randomUUID().slice(0, 8)}`;
      await http.put(statusPath, { status: 'DEFINED', lab_id: labId, observed_at: now() }, internal);
      const deleted = await http.put(statusPath, { status: 'DELETED', observed_at: now() }, internal);
      expect(deleted.data).toMatchObject({ status: 'DELETED', active_lablet_session_id: null });
      const listed = (in_use?: boolean) =>
        http.get(internalRoutes.listLabRecords.path, {
          ...internal,
          params: { worker_id: workerId, search: title, ...(in_use === undefined ? {} : { in_use }) },
        });
      expect((await listed()).data.items.map((lab: LabRecord) => lab.id)).toEqual([registered.data.id]);
      expect((await listed(true)).data.items).toEqual([]);
    });

    it('refuses a topology update on a DELETED record with 409, like every other write', async () => {
      const record = await discoveredRecord(undefined, 'STOPPED');
      await http.post(path(publicRoutes.deleteLab, record.id), undefined, as('admin'));
      const completed = await http.post(
        path(internalRoutes.completeLabAction, record.id),
        { action: 'delete' },
        internal,
      );
      expect(completed.data.status).toBe('DELETED');
      const topology = { nodes: [{ label: 'late', tags: [] }], links: [], annotations: [] };
      const refused = await http.put(
        path(internalRoutes.updateLabTopology, record.id),
        { topology_spec: topology, checksum: 'x', observed_at: new Date(Date.now() + 1000).toISOString() },
        internal,
      );
      expect(refused.status).toBe(409);
      expect(refused.data).toMatchObject({
        code: 'CONFLICT',
        detail: expect.stringContaining('DELETED'),
      });
    });
  });

  describe('lists', () => {
    it('filters, pages with a cursor and never returns more than the limit', async () => {
      await importLab();
      await importLab();
      const first = await http.get(publicRoutes.listLabRecords.path, {
        ...as('user'),
        params: { worker_id: workerId, status: 'IMPORTING', limit: 1 },
      });
      expect(first.status).toBe(200);
      expect(first.data.items).toHaveLength(1);
      expect(first.data.items[0]).not.toHaveProperty('topology_spec');
      const second = await http.get(publicRoutes.listLabRecords.path, {
        ...as('user'),
        params: { worker_id: workerId, status: 'IMPORTING', limit: 1, cursor: first.data.next_cursor },
      });
      expect(second.data.items[0].id).not.toBe(first.data.items[0].id);
      expect(new Date(second.data.items[0].created_at).getTime()).toBeLessThanOrEqual(
        new Date(first.data.items[0].created_at).getTime(),
      );

      const searched = await http.get(publicRoutes.listLabRecords.path, {
        ...as('user'),
        params: { search: 'two ROUTERS', worker_id: workerId },
      });
      expect(searched.data.items.length).toBeGreaterThan(0);
      expect(searched.data.items.every((item: LabRecord) => item.title.includes('Two routers'))).toBe(true);
      expect(
        (
          await http.get(publicRoutes.listLabRecords.path, {
            ...as('user'),
            params: { limit: MAX_PAGE_LIMIT + 1 },
          })
        ).status,
      ).toBe(400);
      expect(
        (await http.get(publicRoutes.listLabRecords.path, { ...as('user'), params: { status: 'RUNNING' } }))
          .status,
      ).toBe(400);
      expect(
        (await http.get(publicRoutes.listLabRecords.path, { ...as('user'), params: { cursor: 'garbage' } }))
          .status,
      ).toBe(400);
    });

    it('lists the sessions that used a lab', async () => {
      const record = await importLab();
      const sessions = await http.get(path(publicRoutes.listLabSessions, record.id), as('user'));
      expect(sessions.status).toBe(200);
      expect(sessions.data).toEqual({ items: [], next_cursor: null });
      expect((await http.get(path(publicRoutes.listLabSessions, randomUUID()), as('user'))).status).toBe(404);
    });
  });

  describe('role matrix', () => {
    const mutating = Object.values(publicRoutes).filter(
      (route) => route.method !== 'GET' && (route.roles as readonly Role[]).every((role) => role !== 'user'),
    );

    it.each(mutating.map((route) => [route.path, route] as const))(
      'refuses a user token on %s',
      async (_path, route) => {
        const url = route.path.replace(':lab_record_id', randomUUID());
        const response = await http.request({ method: route.method, url, data: {}, ...as('user') });
        expect(response.status).toBe(403);
      },
    );

    it.each(Object.values(internalRoutes).map((route) => [route.method, route.path, route] as const))(
      'answers 401 without an API key on %s %s',
      async (_method, _path, route) => {
        const response = await http.request({
          method: route.method,
          url: route.path.replace(':lab_record_id', randomUUID()),
          data: {},
        });
        expect(response.status).toBe(401);
      },
    );

    it('lets a user export and read', async () => {
      const record = await importLab();
      expect((await http.post(path(publicRoutes.exportLab, record.id), undefined, as('user'))).status).toBe(
        200,
      );
      expect((await http.get(path(publicRoutes.getLabRecord, record.id))).status).toBe(401);
    });
  });

  it('writes audit entries for lab changes, readable newest first by admins only', async () => {
    const record = await importLab();
    await http.post(path(publicRoutes.startLab, record.id), undefined, as('manager'));
    const audit = await http.get(apiContract.public.audit.listAuditEntries.path, {
      ...as('admin'),
      params: { target_id: record.id, limit: 2 },
    });
    expect(audit.status).toBe(200);
    expect(audit.data.items.map((entry: { action: string }) => entry.action)).toEqual([
      'lab_record.action_requested',
      expect.any(String),
    ]);
    expect(audit.data.items[0]).toMatchObject({ actor: 'manager-1', target_type: 'lab_record' });
    const rest = await http.get(apiContract.public.audit.listAuditEntries.path, {
      ...as('admin'),
      params: { target_id: record.id, limit: 200, cursor: audit.data.next_cursor },
    });
    const seen = [...audit.data.items, ...rest.data.items].map((entry: { id: string }) => entry.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(rest.data.items.map((entry: { action: string }) => entry.action)).toContain('lab_record.created');
    expect((await http.get(apiContract.public.audit.listAuditEntries.path, as('manager'))).status).toBe(403);
    expect(
      (
        await http.get(apiContract.public.audit.listAuditEntries.path, {
          ...as('admin'),
          params: { target_type: 'spaceship' },
        })
      ).status,
    ).toBe(400);
  });
});
