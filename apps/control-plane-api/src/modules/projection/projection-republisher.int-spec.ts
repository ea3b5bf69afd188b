import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { Etcd3 } from 'etcd3';
import { apiContract, buildPath, etcdKeys, INTERNAL_API_KEY_HEADER, type LabRecord } from '@lcm/contracts';
import { aWorker, PrivateEtcd, waitFor } from '@lcm/testing';
import { type AppConfig } from '../../config/env.schema';
import {
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  testConfig,
  devToken,
} from '../../testing/test-app';
import { CmlWorkerRepository } from '../workers/infrastructure/cml-worker.repository';

const labRoutes = apiContract.internal.labRecords;
const byId = (route: typeof labRoutes.getLabRecord | typeof labRoutes.completeLabAction, id: string) =>
  buildPath(route as typeof labRoutes.getLabRecord, { lab_record_id: id });

/**
 * Decision 18, end to end: MongoDB stays the source of truth while etcd is down, and the keys
 * converge once etcd is back (reconnect) or a control plane starts (start-up republish). Uses an
 * etcd of its own, since stopping the shared one would break every other test running.
 */
describe('etcd projection republisher', () => {
  let etcdServer: PrivateEtcd;
  let etcd: Etcd3;
  let config: AppConfig;
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let workerId: string;
  const internal = { headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY } };
  const etcdAnswers = async () => (await etcd.get('/probe').string(), true);
  const keyOf = async (id: string) => etcd.get(etcdKeys.labPendingAction(id)).string();

  async function startCpa(): Promise<void> {
    cpa = await startTestApp(config);
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true });
  }

  async function discoveredLab(): Promise<LabRecord> {
    const labId = `cml-${randomUUID().slice(0, 8)}`;
    const lab = { lab_id: labId, title: labId, node_count: 0, link_count: 0, status: 'DEFINED' };
    await http.post(
      labRoutes.discoverLabs.path,
      { worker_id: workerId, labs: [lab], partial_scan: true, scanned_at: new Date().toISOString() },
      internal,
    );
    await http.post(
      labRoutes.discoverLabs.path,
      { worker_id: workerId, labs: [lab], partial_scan: true, scanned_at: new Date().toISOString() },
      internal,
    );
    return (await http.get(labRoutes.listLabRecords.path, { ...internal, params: { search: labId } })).data
      .items[0];
  }

  const requestAction = (id: string, action: string) =>
    http.post(
      buildPath(apiContract.public.labRecords.startLab, { lab_record_id: id }).replace(
        '/start',
        `/${action}`,
      ),
      undefined,
      { headers: { authorization: `Bearer ${adminToken}` } },
    );
  let adminToken: string;

  beforeAll(async () => {
    etcdServer = await PrivateEtcd.start();
    etcd = new Etcd3({ hosts: [etcdServer.endpoint], dialTimeout: 1000 });
    await waitFor('private etcd', etcdAnswers);
    config = testConfig({
      ETCD_ENDPOINTS: etcdServer.endpoint,
      PROJECTION_ETCD_PROBE_SECONDS: '1',
      PROJECTION_RESYNC_SECONDS: '3600',
    });
    await startCpa();
    adminToken = await devToken(http, ['admin'], 'ops');
    workerId = randomUUID();
    await cpa.app
      .get(CmlWorkerRepository)
      .save(aWorker().running().with({ id: workerId, version: 0 }).build());
  }, 60_000);

  afterAll(async () => {
    await cpa?.close();
    etcd?.close();
    await etcdServer?.destroy();
  });

  it('accepts changes while etcd is down and converges the keys after etcd restarts', async () => {
    const [cleared, requested] = [await discoveredLab(), await discoveredLab()];
    expect((await requestAction(cleared.id, 'start')).status).toBe(202);
    expect(await keyOf(cleared.id)).not.toBeNull();

    await etcdServer.stop();
    const completed = await http.post(
      byId(labRoutes.completeLabAction, cleared.id),
      { action: 'start' },
      internal,
    );
    expect(completed.status).toBe(200);
    expect(completed.data).toMatchObject({ status: 'BOOTED', pending_action: null });
    expect((await requestAction(requested.id, 'wipe')).status).toBe(202);

    await etcdServer.start();
    await waitFor('private etcd back', etcdAnswers);
    // Right after the restart etcd still holds the key written before the outage and misses the new one.
    await waitFor(
      'keys to converge',
      async () => (await keyOf(cleared.id)) === null && (await keyOf(requested.id)) !== null,
      45_000,
      250,
    );
    expect(JSON.parse((await keyOf(requested.id)) as string)).toMatchObject({
      action: 'wipe',
      lab_id: requested.runtime_binding.lab_id,
      worker_id: workerId,
    });
  }, 90_000);

  it('republishes every key at start-up, deleting keys MongoDB no longer backs', async () => {
    const pending = await discoveredLab();
    await requestAction(pending.id, 'delete');
    await cpa.close();
    const orphanKey = etcdKeys.labPendingAction(randomUUID());
    await etcd.put(orphanKey).value(
      JSON.stringify({
        action: 'start',
        lab_id: 'gone',
        worker_id: workerId,
        requested_at: new Date().toISOString(),
      }),
    );
    await etcd.delete().key(etcdKeys.labPendingAction(pending.id));

    await startCpa();
    expect(JSON.parse((await keyOf(pending.id)) as string)).toMatchObject({ action: 'delete' });
    expect(await etcd.get(orphanKey).string()).toBeNull();
  }, 60_000);
});
