import axios, { type AxiosInstance } from 'axios';
import { Etcd3 } from 'etcd3';
import { randomUUID } from 'node:crypto';
import { decodeEtcdValue, etcdKeys, INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { aDefinition, aWorker, PrivateEtcd, TcpOutageProxy, waitFor } from '@lcm/testing';
import { LabletDefinitionRepository } from '../modules/lablet-definitions/infrastructure/lablet-definition.repository';
import { CmlWorkerRepository } from '../modules/workers/infrastructure/cml-worker.repository';
import { SseReader } from '../testing/sse-client';
import {
  devToken,
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  testConfig,
} from '../testing/test-app';

/** In the port range of the fault-drill work (19300–19399), clear of store-startup.int-spec's 19399. */
const RELAY_PORT = 19395;
const ETCD_CLIENT_PORT = 19396;
const ETCD_PEER_PORT = 19397;
/** The start, up to readiness, while etcd cannot be reached; generous for a loaded CI machine. */
const START_BUDGET_MS = 60_000;
/** A write answers without waiting on etcd (ETCD_COMMIT_WAIT_MS bounds the wait); generous for CI. */
const WRITE_BUDGET_MS = 2_000;
/** Seconds after etcd becomes reachable by which the keys written meanwhile must be there. */
const CATCH_UP_MS = 10_000;

/**
 * Decision 18 from the first second: a control plane that starts while etcd cannot be reached
 * (connections refused at a TCP relay in front of a private etcd) starts, becomes ready (degraded),
 * answers writes at once, and once etcd is reachable republishes what it committed meanwhile and
 * fans change events out again, by itself.
 */
describe('start-up while etcd is unreachable', () => {
  let etcdServer: PrivateEtcd;
  let relay: TcpOutageProxy;
  let etcd: Etcd3;
  let cpa: RunningTestApp | undefined;

  beforeAll(async () => {
    etcdServer = await PrivateEtcd.start({ clientPort: ETCD_CLIENT_PORT, peerPort: ETCD_PEER_PORT });
    relay = new TcpOutageProxy(RELAY_PORT, { host: '127.0.0.1', port: ETCD_CLIENT_PORT });
    etcd = new Etcd3({ hosts: [etcdServer.endpoint], dialTimeout: 1000 });
  });

  afterAll(async () => {
    await cpa?.close();
    await relay.down();
    etcd.close();
    await etcdServer.destroy();
  });

  it('starts, is ready (degraded), answers writes at once, and republishes and fans out once etcd is reachable', async () => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    cpa = await Promise.race([
      startTestApp(
        testConfig({
          ETCD_ENDPOINTS: `http://127.0.0.1:${RELAY_PORT}`,
          PROJECTION_ETCD_PROBE_SECONDS: '1',
          PROJECTION_RESYNC_SECONDS: '3600',
        }),
      ),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not started ${START_BUDGET_MS} ms after the start while etcd was away`)),
          START_BUDGET_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const startMs = Date.now() - started;

    const http: AxiosInstance = axios.create({
      baseURL: cpa.url,
      validateStatus: () => true,
      timeout: 30_000,
    });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.data).toMatchObject({ status: 'degraded', etcd: 'down', projection: 'behind' });

    const admin = { headers: { authorization: `Bearer ${await devToken(http, ['admin'])}` } };
    const internal = {
      headers: { [INTERNAL_API_KEY_HEADER]: TEST_INTERNAL_API_KEY, 'x-lcm-actor': 'resource-scheduler' },
    };
    const definition = aDefinition()
      .with({ id: randomUUID(), version: 0, name: `etcd-away-${randomUUID().slice(0, 8)}` })
      .build();
    await cpa.app.get(LabletDefinitionRepository).save(definition);
    const worker = aWorker().running().with({ id: randomUUID(), version: 0 }).build();
    await cpa.app.get(CmlWorkerRepository).save(worker);

    const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
      const begun = Date.now();
      const value = await work();
      return { value, ms: Date.now() - begun };
    };
    const created = await timed(() =>
      http.post(
        '/api/v1/sessions',
        {
          definition_id: definition.id,
          owner: 'candidate@example.com',
          timeslot_end: new Date(Date.now() + 3600_000).toISOString(),
        },
        admin,
      ),
    );
    expect(created.value.status).toBe(201);
    expect(created.ms).toBeLessThan(WRITE_BUDGET_MS);
    const sessionId = created.value.data.id as string;
    const scheduled = await timed(() =>
      http.post(`/api/internal/sessions/${sessionId}/schedule`, { worker_id: worker.id }, internal),
    );
    expect(scheduled.value.status).toBe(200);
    expect(scheduled.ms).toBeLessThan(WRITE_BUDGET_MS);

    await relay.up();
    const reachableAt = Date.now();
    await waitFor(
      'the keys written while etcd was away',
      async () => {
        const raw = await etcd.get(etcdKeys.sessionStatus(sessionId)).string();
        return raw !== null && decodeEtcdValue('sessionStatus', raw).status === 'SCHEDULED';
      },
      30_000,
      100,
    );
    const catchUpMs = Date.now() - reachableAt;
    expect(catchUpMs).toBeLessThan(CATCH_UP_MS);
    await waitFor(
      'readiness current',
      async () => (await http.get('/health/ready')).data.status === 'up',
      CATCH_UP_MS,
      200,
    );

    // Change events flow through etcd (every replica's SSE clients): the bus follows it now too.
    const stream = await SseReader.open(cpa.url, admin.headers.authorization.slice('Bearer '.length));
    try {
      const next = await http.post(
        '/api/v1/sessions',
        {
          definition_id: definition.id,
          owner: 'candidate@example.com',
          timeslot_end: new Date(Date.now() + 3600_000).toISOString(),
        },
        admin,
      );
      expect(next.status).toBe(201);
      await stream.waitFor(
        (frame) =>
          frame.event === 'lablet_session.created' &&
          (frame.data['session'] as { id?: string } | undefined)?.id === next.data.id,
        CATCH_UP_MS,
      );
    } finally {
      await stream.close();
    }
    process.stdout.write(
      `[etcd-startup] ready ${startMs} ms after the start with etcd away; keys ${catchUpMs} ms after etcd became reachable\n`,
    );
  }, 180_000);
});
