import { type LabletSession } from '@lcm/contracts';
import { type RunningTestApp, startTestApp } from '../../testing/test-app';
import { inMinutes, type SessionsTestKit, startSessionsTestKit } from './testing/session-test-kit';

/**
 * Decision 20 over HTTP: schedule re-checks and allocates capacity and ports on the worker in one
 * unit, so concurrent placements can never oversubscribe a worker.
 */
describe('scheduling many sessions onto one worker at once', () => {
  let kit: SessionsTestKit;
  /** A second control plane on the same store and etcd: another replica. */
  let replica: RunningTestApp;

  beforeAll(async () => {
    kit = await startSessionsTestKit();
    replica = await startTestApp(kit.cpa.config);
  });
  afterAll(async () => {
    await replica.close();
    await kit.close();
  });

  const demandOf = (definition: { capacityDemand: Record<string, number> }, count: number) =>
    Object.fromEntries(Object.entries(definition.capacityDemand).map(([key, value]) => [key, value * count]));

  async function createSessions(definitionId: string, count: number): Promise<LabletSession[]> {
    const sessions: LabletSession[] = [];
    for (let i = 0; i < count; i += 1) {
      sessions.push(
        await kit.admin.sessions.create({
          body: {
            definition_id: definitionId,
            owner: `candidate-${i}@example.com`,
            timeslot_end: inMinutes(60),
          },
        }),
      );
    }
    return sessions;
  }

  async function scheduleAll(sessions: LabletSession[], workerId: string, replicas = [kit.cpa.url]) {
    return Promise.all(
      sessions.map((session, index) =>
        kit.http.post(
          `${replicas[index % replicas.length]}/api/internal/sessions/${session.id}/schedule`,
          { worker_id: workerId },
          { headers: kit.internalHeaders },
        ),
      ),
    );
  }

  it('counts exactly one allocation for duplicate schedules of one session sent at once to two replicas', async () => {
    const definition = await kit.seedDefinition((builder) => builder.withPorts('console'));
    const worker = await kit.seedWorker();
    const [session] = await createSessions(definition.id, 1);
    const duplicates = Array.from({ length: 6 }, () => session!);

    const answers = await scheduleAll(duplicates, worker.id, [kit.cpa.url, replica.url]);

    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    const ports = answers[0]!.data.allocated_ports;
    expect(
      answers.every((answer) => JSON.stringify(answer.data.allocated_ports) === JSON.stringify(ports)),
    ).toBe(true);
    const stored = (await kit.workers.findById(worker.id))!;
    expect(stored.sessionIds).toEqual([session!.id]);
    expect(stored.allocatedCapacity).toEqual(demandOf(definition, 1));
    expect(stored.portAllocations).toEqual([expect.objectContaining({ holder_id: session!.id, ports })]);
  });

  it('answers 100 concurrent schedules onto one worker from two replicas within seconds, placing exactly the 10 that fit', async () => {
    const definition = await kit.seedDefinition((builder) =>
      builder.withDemand({ cpu_cores: 4, memory_gb: 16, storage_gb: 40, nodes: 4 }),
    );
    const worker = await kit.seedWorker({
      capacity: { cpu_cores: 40, memory_gb: 160, storage_gb: 400, max_nodes: 40 },
    });
    const sessions = await createSessions(definition.id, 100);

    const started = Date.now();
    const answers = await scheduleAll(sessions, worker.id, [kit.cpa.url, replica.url]);
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(5_000);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 422)).toHaveLength(90);
    const stored = (await kit.workers.findById(worker.id))!;
    expect(stored.allocatedCapacity).toEqual(demandOf(definition, 10));
    const placed = answers
      .filter((answer) => answer.status === 200)
      .map((answer) => answer.data.id as string);
    expect([...stored.sessionIds].sort()).toEqual(placed.sort());
  }, 60_000);

  describe('the batch route', () => {
    const batch = (body: unknown) =>
      kit.http.post('/api/internal/sessions/schedule-batch', body, { headers: kit.internalHeaders });

    it('places pairs on several workers in one call, each worker validating its pairs together, answered per pair', async () => {
      const definition = await kit.seedDefinition((builder) =>
        builder.withDemand({ cpu_cores: 4, memory_gb: 16, storage_gb: 40, nodes: 4 }).withPorts('console'),
      );
      const capacity = { cpu_cores: 12, memory_gb: 48, storage_gb: 120, max_nodes: 12 };
      const [first, second] = [await kit.seedWorker({ capacity }), await kit.seedWorker({ capacity })];
      const sessions = await createSessions(definition.id, 8);
      const placements = sessions.map((session, index) => ({
        session_id: session.id,
        worker_id: (index % 2 === 0 ? first : second)!.id,
      }));

      const answer = await batch({ placements });

      expect(answer.status).toBe(200);
      const results = answer.data.results as {
        session_id: string;
        outcome: string;
        problem?: { code: string };
      }[];
      expect(results.map((result) => result.session_id)).toEqual(sessions.map((session) => session.id));
      expect(results.filter((result) => result.outcome === 'scheduled')).toHaveLength(6);
      expect(
        results.filter((result) => result.outcome === 'refused').map((result) => result.problem?.code),
      ).toEqual(['CAPACITY_EXCEEDED', 'CAPACITY_EXCEEDED']);
      for (const worker of [first!, second!]) {
        const stored = (await kit.workers.findById(worker.id))!;
        expect(stored.allocatedCapacity).toEqual(demandOf(definition, 3));
      }
      // Repeating the call changes nothing: placed pairs answer scheduled again, the others stay refused.
      const again = (await batch({ placements })).data.results as { outcome: string }[];
      expect(again.map((result) => result.outcome)).toEqual(results.map((result) => result.outcome));
    });

    it('decides again on a fresh read when the worker changed since this process last wrote it', async () => {
      const definition = await kit.seedDefinition((builder) =>
        builder.withDemand({ cpu_cores: 4, memory_gb: 16, storage_gb: 40, nodes: 4 }),
      );
      // Room for two sessions; a terminate (another command) frees one between the calls.
      const worker = await kit.seedWorker({
        capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 80, max_nodes: 8 },
      });
      const [first, second, third, fourth] = await createSessions(definition.id, 4);
      const place = async (session: LabletSession) =>
        (
          (await batch({ placements: [{ session_id: session.id, worker_id: worker.id }] })).data.results as {
            outcome: string;
          }[]
        )[0]!.outcome;
      const terminate = (session: LabletSession) =>
        kit.http.post(
          `/api/internal/sessions/${session.id}/transition`,
          { target_status: 'TERMINATED', reason: 'operator' },
          { headers: kit.internalHeaders },
        );

      expect([await place(first!), await place(second!)]).toEqual(['scheduled', 'scheduled']);
      expect((await terminate(first!)).status).toBe(200);
      // The worker as last written here is full: placing on it would be refused if it were not read again.
      expect(await place(third!)).toBe('scheduled');
      expect((await terminate(second!)).status).toBe(200);
      // The worker as last written here has room, but it moved on: its save conflicts and is decided again.
      expect(await place(fourth!)).toBe('scheduled');

      const stored = (await kit.workers.findById(worker.id))!;
      expect([...stored.sessionIds].sort()).toEqual([third!.id, fourth!.id].sort());
      expect(stored.allocatedCapacity).toEqual(demandOf(definition, 2));
    });

    it('refuses a malformed call naming the field, and a session listed twice', async () => {
      const bad = await batch({ placements: [{ session_id: 'nope', worker_id: 'x' }] });
      expect(bad.status).toBe(400);
      expect(bad.data.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['body.placements.0.session_id', 'body.placements.0.worker_id']),
      );
      const id = '3f1b2c4d-0000-4000-8000-000000000000';
      const twice = await batch({
        placements: [
          { session_id: id, worker_id: id },
          { session_id: id, worker_id: id },
        ],
      });
      expect(twice.status).toBe(400);
      expect((await batch({ placements: [] })).status).toBe(400);
    });
  });

  it.each([
    [
      'capacity',
      {
        capacity: { cpu_cores: 40, memory_gb: 160, storage_gb: 400, max_nodes: 40 },
        ports: [2000, 2999] as [number, number],
      },
      'CAPACITY_EXCEEDED',
    ],
    [
      'ports',
      {
        capacity: { cpu_cores: 1000, memory_gb: 10_000, storage_gb: 100_000, max_nodes: 1000 },
        ports: [3000, 3019] as [number, number],
      },
      'PORTS_EXHAUSTED',
    ],
  ])(
    '50 concurrent schedules on a worker with %s for exactly 10 leave exactly 10 SCHEDULED',
    async (_limit, workerOptions, refusal) => {
      const definition = await kit.seedDefinition((builder) =>
        builder
          .withDemand({ cpu_cores: 4, memory_gb: 16, storage_gb: 40, nodes: 4 })
          .withPorts('r1_console', 'r2_console'),
      );
      const worker = await kit.seedWorker(workerOptions);
      const sessions = await createSessions(definition.id, 50);

      const answers = await scheduleAll(sessions, worker.id);

      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      expect(statuses.filter((status) => status === 422)).toHaveLength(40);
      expect(
        answers.filter((answer) => answer.status === 422).every((answer) => answer.data.code === refusal),
      ).toBe(true);

      const listed = await kit.internal.sessions.list({ query: { worker_id: worker.id, limit: 200 } });
      expect(listed.items).toHaveLength(10);
      expect(listed.items.every((session) => session.status === 'SCHEDULED')).toBe(true);

      const stored = (await kit.workers.findById(worker.id))!;
      const demand = definition.capacityDemand;
      expect(stored.allocatedCapacity).toEqual({
        cpu_cores: demand.cpu_cores * 10,
        memory_gb: demand.memory_gb * 10,
        storage_gb: demand.storage_gb * 10,
        max_nodes: demand.max_nodes * 10,
      });
      expect([...stored.sessionIds].sort()).toEqual(listed.items.map((session) => session.id).sort());

      const ports = listed.items.flatMap((session) => Object.values(session.allocated_ports));
      expect(ports).toHaveLength(20);
      expect(new Set(ports).size).toBe(20);
      const workerPorts = stored.portAllocations.flatMap((allocation) => Object.values(allocation.ports));
      expect(new Set(workerPorts)).toEqual(new Set(ports));

      const pending = await kit.internal.sessions.list({
        query: { status: ['PENDING'], definition_id: definition.id, limit: 200 },
      });
      expect(pending.items).toHaveLength(40);
    },
  );

  it('answers 404 for an unknown session or worker, 409 when not PENDING, 422 when the worker does not accept', async () => {
    const definition = await kit.seedDefinition();
    const worker = await kit.seedWorker();
    const stopped = await kit.seedWorker({ running: false });
    const [session] = await createSessions(definition.id, 1);
    const post = (id: string, workerId: string) =>
      kit.http.post(
        `/api/internal/sessions/${id}/schedule`,
        { worker_id: workerId },
        { headers: kit.internalHeaders },
      );

    expect((await post('3f1b2c4d-0000-4000-8000-000000000000', worker.id)).status).toBe(404);
    expect((await post(session!.id, '3f1b2c4d-0000-4000-8000-000000000001')).data).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect((await post(session!.id, stopped.id)).data).toMatchObject({
      status: 422,
      code: 'WORKER_NOT_ACCEPTING',
    });

    const scheduled = await post(session!.id, worker.id);
    expect(scheduled.status).toBe(200);
    // Asking again for the same placement is a no-op; another worker is refused.
    expect((await post(session!.id, worker.id)).status).toBe(200);
    const again = await post(session!.id, stopped.id);
    expect(again.data).toMatchObject({
      status: 409,
      code: 'INVALID_TRANSITION',
      current_status: 'SCHEDULED',
      requested_status: 'SCHEDULED',
    });
  });
});
