import { apiContract, CapacitySummary } from '@lcm/contracts';
import { startSessionsTestKit, type SessionsTestKit } from '../sessions/testing/session-test-kit';

const route = apiContract.public.workers.getCapacitySummary;

describe('fleet capacity summary over HTTP', () => {
  let kit: SessionsTestKit;
  let viewer: { authorization: string };

  beforeAll(async () => {
    kit = await startSessionsTestKit();
    viewer = { authorization: `Bearer ${await kit.token(['user'])}` };
  });
  afterAll(() => kit.close());

  it('totals what placeable workers declare and hold, per region and per worker', async () => {
    const big = await kit.seedWorker({
      capacity: { cpu_cores: 40, memory_gb: 160, storage_gb: 1000, max_nodes: 100 },
    });
    const small = await kit.seedWorker({
      capacity: { cpu_cores: 10, memory_gb: 40, storage_gb: 200, max_nodes: 20 },
    });
    const stopped = await kit.seedWorker({
      capacity: { cpu_cores: 99, memory_gb: 99, storage_gb: 99, max_nodes: 99 },
      running: false,
    });
    const definition = await kit.seedDefinition();
    const session = await kit.admin.sessions.create({
      body: {
        definition_id: definition.id,
        owner: 'candidate@example.com',
        timeslot_end: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    await kit.internal.sessions.schedule({
      params: { lablet_session_id: session.id },
      body: { worker_id: big.id },
    });
    const demand = definition.capacityDemand;

    const response = await kit.http.get(route.path, { headers: viewer });
    expect(response.status).toBe(200);
    const summary = CapacitySummary.parse(response.data);

    expect(summary.placeable.worker_count).toBe(2);
    expect(summary.placeable.declared).toEqual({
      cpu_cores: 50,
      memory_gb: 200,
      storage_gb: 1200,
      max_nodes: 120,
    });
    expect(summary.placeable.allocated).toEqual(demand);
    expect(summary.placeable.available.cpu_cores).toBe(50 - demand.cpu_cores);
    expect(summary.by_region).toEqual([expect.objectContaining({ aws_region: big.region, worker_count: 2 })]);
    const bigLine = summary.workers.find((line) => line.worker_id === big.id);
    expect(bigLine).toMatchObject({ allocated: demand, session_count: 1 });
    expect(bigLine?.utilisation.cpu_cores).toBeCloseTo(demand.cpu_cores / 40);
    expect(summary.workers.map((line) => line.worker_id)).toEqual(
      expect.arrayContaining([big.id, small.id, stopped.id]),
    );
    expect(summary.truncated).toBe(false);
  });

  it('filters by region and refuses unknown query parameters', async () => {
    const other = await kit.http.get(route.path, { headers: viewer, params: { aws_region: 'eu-north-1' } });
    expect(other.status).toBe(200);
    expect(other.data).toMatchObject({ placeable: { worker_count: 0 }, by_region: [], workers: [] });
    const bad = await kit.http.get(route.path, { headers: viewer, params: { colour: 'blue' } });
    expect(bad.status).toBe(400);
    expect(bad.data.errors).toEqual([expect.objectContaining({ field: 'query.colour' })]);
  });

  it('needs a token', async () => {
    expect((await kit.http.get(route.path)).status).toBe(401);
  });
});
