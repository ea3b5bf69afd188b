import axios, { type AxiosInstance } from 'axios';
import { Etcd3 } from 'etcd3';
import { decodeEtcdValue, etcdKeys, INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { aDefinition, aWorker, PrivateEtcd, waitFor } from '@lcm/testing';
import { randomUUID } from 'node:crypto';
import {
  devToken,
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  testConfig,
} from '../../testing/test-app';
import { LabletDefinitionRepository } from '../lablet-definitions/infrastructure/lablet-definition.repository';
import { CmlWorkerRepository } from '../workers/infrastructure/cml-worker.repository';

/** In this project's own port range (23000–23999). */
const ETCD_CLIENT_PORT = 23201;
const ETCD_PEER_PORT = 23202;
/** Long enough for a client's reconnect backoff and circuit breaker to have grown. */
const OUTAGE_MS = 12_000;
/** Seconds after etcd's return by which every key must be current again. */
const CATCH_UP_MS = 8_000;
/** A write answers without waiting on etcd; this is generous for a loaded CI machine. */
const WRITE_BUDGET_MS = 2_000;

/**
 * Decision 18 under a real etcd outage: writes commit to MongoDB and answer at once while etcd is
 * down and right after it returns, readiness stays up (degraded), and the projection catches up
 * within seconds of etcd's return.
 */
describe('etcd outage', () => {
  let etcdServer: PrivateEtcd;
  let etcd: Etcd3;
  let cpa: RunningTestApp;
  let http: AxiosInstance;
  let admin: { headers: Record<string, string> };
  const internal = {
    headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY, 'x-lcm-actor': 'resource-scheduler' },
  };
  let definitionId: string;
  let workerId: string;

  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  };

  /** Creates and schedules a session; both writes must answer within the budget. */
  const scheduledSession = async (): Promise<string> => {
    const created = await timed(() =>
      http.post(
        '/api/v1/sessions',
        {
          definition_id: definitionId,
          owner: 'candidate@example.com',
          timeslot_end: new Date(Date.now() + 3600_000).toISOString(),
        },
        admin,
      ),
    );
    expect(created.value.status).toBe(201);
    expect(created.ms).toBeLessThan(WRITE_BUDGET_MS);
    const id = created.value.data.id as string;
    const scheduled = await timed(() =>
      http.post(`/api/internal/sessions/${id}/schedule`, { worker_id: workerId }, internal),
    );
    expect(scheduled.value.status).toBe(200);
    expect(scheduled.ms).toBeLessThan(WRITE_BUDGET_MS);
    return id;
  };

  const projectedStatus = async (sessionId: string): Promise<string | null> => {
    const raw = await etcd.get(etcdKeys.sessionStatus(sessionId)).string();
    return raw === null ? null : decodeEtcdValue('sessionStatus', raw).status;
  };

  beforeAll(async () => {
    etcdServer = await PrivateEtcd.start({ clientPort: ETCD_CLIENT_PORT, peerPort: ETCD_PEER_PORT });
    etcd = new Etcd3({ hosts: [etcdServer.endpoint], dialTimeout: 1000 });
    await waitFor('private etcd', async () => (await etcd.get('/probe').string(), true));
    cpa = await startTestApp(
      testConfig({
        ETCD_ENDPOINTS: etcdServer.endpoint,
        PROJECTION_ETCD_PROBE_SECONDS: '1',
        PROJECTION_RESYNC_SECONDS: '3600',
      }),
    );
    http = axios.create({ baseURL: cpa.url, validateStatus: () => true, timeout: 60_000 });
    admin = { headers: { authorization: `Bearer ${await devToken(http, ['admin'])}` } };
    const definition = aDefinition()
      .with({ id: randomUUID(), version: 0, name: `outage-${randomUUID().slice(0, 8)}` })
      .build();
    await cpa.app.get(LabletDefinitionRepository).save(definition);
    definitionId = definition.id;
    const worker = aWorker().running().with({ id: randomUUID(), version: 0 }).build();
    await cpa.app.get(CmlWorkerRepository).save(worker);
    workerId = worker.id;
  }, 60_000);

  afterAll(async () => {
    await cpa?.close();
    etcd?.close();
    await etcdServer?.destroy();
  });

  it.each([
    ['stopped and started again', () => etcdServer.stop(), () => etcdServer.start()],
    // A frozen process keeps its connections open and answers nothing, like a network partition.
    ['partitioned and reachable again', () => etcdServer.freeze(), () => etcdServer.thaw()],
  ] as const)(
    'etcd %s: writes answer at once during and after the outage, readiness stays up, the projection catches up within seconds',
    async (_name, takeAway, bringBack) => {
      const before = await scheduledSession();
      expect(await projectedStatus(before)).toBe('SCHEDULED');

      await takeAway();
      const during = await scheduledSession();
      const ready = await http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.data).toMatchObject({ status: 'degraded', etcd: 'down', projection: 'behind' });
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await scheduledSession();

      await bringBack();
      await waitFor('private etcd back', async () => (await etcd.get('/probe').string(), true));
      const returnedAt = Date.now();
      const after = await scheduledSession();
      await waitFor(
        'the projection to catch up',
        async () =>
          (await projectedStatus(during)) === 'SCHEDULED' && (await projectedStatus(after)) === 'SCHEDULED',
        30_000,
        100,
      );
      expect(Date.now() - returnedAt).toBeLessThan(CATCH_UP_MS);
      expect((await http.get('/health/ready')).data).toMatchObject({ status: 'up', projection: 'current' });
    },
    120_000,
  );
});
