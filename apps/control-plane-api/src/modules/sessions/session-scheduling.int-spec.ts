import { type LabletSession } from '@lcm/contracts';
import { inMinutes, type SessionsTestKit, startSessionsTestKit } from './testing/session-test-kit';

/**
 * Decision 20 over HTTP: schedule re-checks and allocates capacity and ports on the worker in one
 * unit, so concurrent placements can never oversubscribe a worker.
 */
describe('scheduling many sessions onto one worker at once', () => {
  let kit: SessionsTestKit;

  beforeAll(async () => {
    kit = await startSessionsTestKit();
  });
  afterAll(() => kit.close());

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

  async function scheduleAll(sessions: LabletSession[], workerId: string) {
    return Promise.all(
      sessions.map((session) =>
        kit.http.post(
          `/api/internal/sessions/${session.id}/schedule`,
          { worker_id: workerId },
          { headers: kit.internalHeaders },
        ),
      ),
    );
  }

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
