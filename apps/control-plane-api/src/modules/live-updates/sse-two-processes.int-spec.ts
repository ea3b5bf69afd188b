import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { apiContract, buildPath } from '@lcm/contracts';
import { aWorker, freePort, NodeAppProcess } from '@lcm/testing';
import { SseReader } from '../../testing/sse-client';
import {
  type RunningTestApp,
  startTestApp,
  TEST_INTERNAL_API_KEY,
  testConfig,
  devToken,
} from '../../testing/test-app';
import { CmlWorkerRepository } from '../workers/infrastructure/cml-worker.repository';

const labs = apiContract.public.labRecords;

/**
 * Two control planes on one MongoDB database and one etcd: process A runs in this test, process B
 * is a real child process. A change committed through A reaches an SSE client of B, and B replays
 * what a reconnecting client missed (Last-Event-ID) from the shared event log in etcd.
 */
describe('SSE across two control-plane processes', () => {
  let processA: RunningTestApp;
  let processB: NodeAppProcess;
  let urlB: string;
  let http: AxiosInstance;
  let token: string;
  let workerId: string;
  const clients: SseReader[] = [];

  const streamOfB = async (lastEventId?: string): Promise<SseReader> => {
    const client = await SseReader.open(urlB, token, lastEventId);
    clients.push(client);
    return client;
  };

  const importLabThroughA = async (): Promise<string> => {
    const created = await http.post(
      labs.importLab.path,
      { worker_id: workerId, yaml: 'lab:\n  title: shared\nnodes: []\n' },
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(created.status).toBe(201);
    return created.data.id as string;
  };

  beforeAll(async () => {
    const config = testConfig();
    processA = await startTestApp(config);
    http = axios.create({ baseURL: processA.url, validateStatus: () => true });
    urlB = `http://127.0.0.1:${await freePort()}`;
    processB = new NodeAppProcess({
      name: 'control-plane-b',
      entry: 'apps/control-plane-api/src/main.ts',
      readyUrl: `${urlB}/health/ready`,
      env: {
        HOST: '127.0.0.1',
        PORT: new URL(urlB).port,
        MONGO_URL: config.MONGO_URL,
        MONGO_DB: config.MONGO_DB,
        ETCD_ENDPOINTS: config.ETCD_ENDPOINTS.join(','),
        INTERNAL_API_KEYS: TEST_INTERNAL_API_KEY,
        AUTH_MODE: 'development',
        DEV_AUTH_SECRET: config.DEV_AUTH_SECRET as string,
        LOG_LEVEL: 'warn',
      },
    });
    await processB.start();
    token = await devToken(http, ['admin'], 'ops');
    workerId = randomUUID();
    await processA.app
      .get(CmlWorkerRepository)
      .save(aWorker().running().with({ id: workerId, version: 0 }).build());
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await processB?.stop();
    await processA?.close();
  });

  it('delivers an event committed through A to a client connected to B', async () => {
    const client = await streamOfB();
    const labId = await importLabThroughA();
    const created = await client.waitFor(
      (frame) => frame.event === 'lab.created' && (frame.data['lab_record'] as { id: string }).id === labId,
    );
    expect(Number(created.id)).toBeGreaterThan(0);
  }, 30_000);

  it('replays what a client missed after its Last-Event-ID, without a snapshot, while within the window', async () => {
    const first = await streamOfB();
    const labId = await importLabThroughA();
    const seen = await first.waitFor(
      (frame) => frame.event === 'lab.created' && (frame.data['lab_record'] as { id: string }).id === labId,
    );
    await first.close();

    const started = await http.post(buildPath(labs.startLab, { lab_record_id: labId }), undefined, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(started.status).toBe(202);

    const resumed = await streamOfB(seen.id);
    const replayed = await resumed.waitFor(
      (frame) =>
        frame.event === 'lab.action.requested' && (frame.data['lab_record'] as { id: string }).id === labId,
    );
    expect(Number(replayed.id)).toBeGreaterThan(Number(seen.id));
    expect(replayed.data['action']).toBe('start');
    expect(resumed.frames.some((frame) => frame.event.endsWith('.snapshot'))).toBe(false);
    expect(resumed.frames.some((frame) => frame.id === seen.id)).toBe(false);
  }, 30_000);

  it('sends a fresh snapshot instead when the Last-Event-ID is outside the replay window', async () => {
    const labId = await importLabThroughA();
    const client = await streamOfB('1');
    await client.waitFor((frame) => frame.event === 'lablet_session.snapshot');
    expect(
      client.frames.some(
        (frame) => frame.event === 'lab.created' && (frame.data['lab_record'] as { id: string }).id === labId,
      ),
    ).toBe(false);
  }, 30_000);
});
