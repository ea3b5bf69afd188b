import { createServer, request as forward, type Server } from 'node:http';
import { type CmlWorker } from '@lcm/contracts';
import { waitFor } from '@lcm/testing';
import { type SchedulerProcess, SchedulerSystem, TEST_RESYNC_MS } from './testing/system-kit';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('resource-scheduler against a real etcd and control plane', () => {
  let system: SchedulerSystem;
  const running: SchedulerProcess[] = [];
  const start = async (replicaId: string, env: Record<string, string> = {}) => {
    const scheduler = await system.startScheduler(replicaId, env);
    running.push(scheduler);
    return scheduler;
  };
  const isScheduled = async (sessionId: string) => (await system.session(sessionId)).status === 'SCHEDULED';

  beforeAll(async () => {
    system = await SchedulerSystem.start();
    // A short cooldown, so only the check for workers on their way keeps a second scale-up out.
    await system.updateScaling({ max_workers: 50, scale_up_cooldown_s: 1 });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((scheduler) => scheduler.process.stop()));
    await system.drainAll();
  });
  afterAll(async () => {
    await Promise.all(running.splice(0).map((scheduler) => scheduler.process.kill()));
    await system?.stop();
  });

  it('schedules a PENDING session on the worker bin-packing picks, and the control plane shows the leader stats', async () => {
    const small = await system.runningWorker(
      await system.createTemplate({ capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 200 } }),
    );
    const big = await system.runningWorker(
      await system.createTemplate({ capacity: { cpu_cores: 64, memory_gb: 256, storage_gb: 2000 } }),
    );
    await start('solo');
    const session = await system.createSession(await system.createDefinition({ cpu_cores: 4 }));
    await waitFor('the session to be SCHEDULED', () => isScheduled(session), 15_000);
    expect((await system.session(session)).worker_id).toBe(small);
    expect(big).not.toBe(small);
    const status = (await system.admin.get('/api/v1/scheduler/status')).data;
    expect(status).toMatchObject({
      is_leader: true,
      leader: { replica_id: 'solo' },
      decisions: { placed: 1 },
    });
  });

  it('requests exactly one worker for sessions nothing fits, not one per resync, and places on it once it runs', async () => {
    const region = 'us-west-2';
    const cheapest = await system.createTemplate({
      region,
      capacity: { cpu_cores: 32, memory_gb: 128, storage_gb: 500 },
      cost_per_hour_usd: 3,
    });
    await system.createTemplate({
      region,
      capacity: { cpu_cores: 64, memory_gb: 256, storage_gb: 500 },
      cost_per_hour_usd: 9,
    });
    await system.createTemplate({
      region,
      capacity: { cpu_cores: 64, memory_gb: 256, storage_gb: 500 },
      cost_per_hour_usd: 1,
      enabled: false,
    });
    await system.runningWorker(
      await system.createTemplate({ region, capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 200 } }),
    );
    await start('solo');
    const definition = await system.createDefinition({ cpu_cores: 24 });
    const sessions = [await system.createSession(definition), await system.createSession(definition)];
    const scaledUp = async (): Promise<CmlWorker[]> =>
      (await system.workers({ aws_region: region })).filter((worker) => worker.origin === 'scale_up');
    await waitFor('a scale-up', async () => (await scaledUp()).length > 0, 15_000);
    await sleep(4 * TEST_RESYNC_MS);
    const requested = await scaledUp();
    expect(requested.map((worker) => worker.template_id)).toEqual([cheapest]);
    const pending = (await system.admin.get('/api/v1/scheduler/pending')).data.items;
    expect(pending).toHaveLength(2);
    // Each worker with its reason: the small running one is short of cpu, the requested one not up yet
    // (workers drained by earlier tests are rejected for their status too).
    expect(pending[0]).toMatchObject({ rejections: { capacity: 1 }, unschedulable: false });
    expect(pending[0].rejections.status).toBeGreaterThanOrEqual(1);
    expect(pending[0].worker_rejections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'capacity', reason: 'cpu_cores 24 needed, 8 free' }),
        expect.objectContaining({ worker_id: requested[0]!.id, category: 'status' }),
      ]),
    );

    await system.bringUp(requested[0]!.id);
    await waitFor(
      'one session on the new worker',
      async () => {
        const placed = await Promise.all(sessions.map((id) => system.session(id)));
        return placed.some((session) => session.worker_id === requested[0]!.id);
      },
      15_000,
    );
  });

  it('runs one leader of two replicas; after kill -9 of it the other takes over and keeps placing', async () => {
    const template = await system.createTemplate();
    await system.runningWorker(template);
    const replicas = [await start('r1'), await start('r2')];
    await waitFor('a leader', async () => (await system.leader()) !== null, 10_000);
    const leading = await Promise.all(
      replicas.map(async (replica) => (await system.stats(replica))['is_leader']),
    );
    expect(leading.filter(Boolean)).toHaveLength(1);
    const leader = replicas[leading.indexOf(true)]!;
    const standby = replicas[leading.indexOf(false)]!;

    await leader.process.kill();
    const killedAt = Date.now();
    await waitFor(
      'the standby to lead',
      async () => (await system.stats(standby))['is_leader'] === true,
      20_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    expect((await system.leader())?.replica_id).toBe(standby.replicaId);

    const session = await system.createSession(await system.createDefinition({ cpu_cores: 2 }));
    await waitFor('the new leader to place a session', () => isScheduled(session), 15_000);
  });

  it('schedules 20 sessions created at once with two replicas each exactly once, without over-allocating a worker', async () => {
    const template = await system.createTemplate({
      capacity: { cpu_cores: 16, memory_gb: 64, storage_gb: 500 },
    });
    const workerIds = await Promise.all(Array.from({ length: 6 }, () => system.runningWorker(template)));
    await start('r1');
    await start('r2');
    const definition = await system.createDefinition({ cpu_cores: 4 });
    const sessions = await Promise.all(Array.from({ length: 20 }, () => system.createSession(definition)));
    await waitFor(
      'all 20 sessions SCHEDULED',
      async () => (await Promise.all(sessions.map(isScheduled))).every(Boolean),
      30_000,
    );

    for (const id of sessions) {
      const history = (await system.session(id)).status_history.filter((entry) => entry.to === 'SCHEDULED');
      expect(history).toHaveLength(1);
    }
    const workers = (await system.workers()).filter((worker) => workerIds.includes(worker.id));
    for (const worker of workers)
      expect(worker.allocated_capacity.cpu_cores).toBeLessThanOrEqual(worker.declared_capacity!.cpu_cores);
    const placed = workers.flatMap((worker) => worker.session_ids).filter((id) => sessions.includes(id));
    expect(new Set(placed).size).toBe(20);
    expect(placed).toHaveLength(20);
  });

  describe('with the control plane failing schedule for a while', () => {
    let proxy: Server;
    let failing = true;
    const scheduleCalls: number[] = [];

    beforeAll(async () => {
      const target = new URL(system.cpa.url);
      proxy = createServer((request, response) => {
        if (request.method === 'POST' && request.url === '/api/internal/sessions/schedule-batch') {
          scheduleCalls.push(Date.now());
          if (failing) {
            request.resume();
            response.writeHead(503, { 'content-type': 'application/problem+json' });
            response.end(
              JSON.stringify({
                type: 'about:blank',
                title: 'down',
                status: 503,
                code: 'DEPENDENCY_UNAVAILABLE',
              }),
            );
            return;
          }
        }
        const upstream = forward(
          {
            host: target.hostname,
            port: target.port,
            path: request.url,
            method: request.method,
            headers: request.headers,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        request.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    it('backs off instead of hammering it, and places the session once it answers again', async () => {
      const address = proxy.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      await system.runningWorker(await system.createTemplate());
      await start('solo', { CPA_URL: `http://127.0.0.1:${port}` });
      const session = await system.createSession(await system.createDefinition({ cpu_cores: 2 }));
      await waitFor('a first schedule call', async () => scheduleCalls.length > 0, 15_000);
      await sleep(5_000);
      // 1 s doubling: tries at 0, 1 and 3 s (the resyncs every 1.5 s do not cut the backoff short).
      const whileFailing = scheduleCalls.length;
      expect(whileFailing).toBeGreaterThanOrEqual(2);
      expect(whileFailing).toBeLessThanOrEqual(4);
      failing = false;
      await waitFor('the session to be SCHEDULED', () => isScheduled(session), 15_000);
      expect(scheduleCalls.length).toBe(whileFailing + 1);
    });
  });
});
