import { apiContract, type CmlWorker, etcdKeys } from '@lcm/contracts';
import { placementDemandOf } from '@lcm/domain';
import { createLogger } from '@lcm/observability';
import { FakeControlPlane } from '@lcm/testing';
import { aDefinitionView, aSessionView, aWorkerView, capacityKeyOf, uuid } from '../testing/fleet-fixtures';
import { FleetView } from './fleet-view';
import { PendingPlacements } from './pending-placements';

const log = createLogger({ service: 'fleet-view-test', level: 'silent' });
const w1 = uuid('a', 1);
const w2 = uuid('a', 2);
const demand = placementDemandOf(aDefinitionView());

describe('FleetView', () => {
  let workers: CmlWorker[];
  let cpa: FakeControlPlane;
  let fleet: FleetView;

  beforeEach(() => {
    workers = [aWorkerView(w1), aWorkerView(w2)];
    cpa = new FakeControlPlane().on(apiContract.internal.workers.listWorkers, () => ({
      items: workers,
      next_cursor: null,
    }));
    fleet = new FleetView({
      cpa: cpa.client,
      capacityKeys: { list: async () => ({}) },
      maxAgeMs: 60_000,
      log,
    });
  });

  it('applies a capacity report in place, keeping reservations still in flight', async () => {
    await fleet.current();
    fleet.reserve('session-1', w1, demand);
    const report = capacityKeyOf(
      workers[0]!,
      { cpu_cores: 10, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
      '2031-01-01T00:00:00.000Z',
    );
    expect(fleet.applyKeyChange(etcdKeys.workerCapacity(w1), report)).toBe('capacity');
    expect((await fleet.current()).get(w1)?.allocated.cpu_cores).toBe(14);
    fleet.settle('session-1', false);
    expect((await fleet.current()).get(w1)?.allocated.cpu_cores).toBe(10);
    expect(cpa.callsTo(apiContract.internal.workers.listWorkers)).toHaveLength(1);
  });

  const actual = (status: string) =>
    JSON.stringify({
      status,
      service_status: 'AVAILABLE',
      ec2_state: 'running',
      ip: null,
      at: '2031-01-01T00:00:00.000Z',
    });
  const answerWorkerReads = () =>
    cpa.on(apiContract.internal.workers.getWorker, ({ params }) => {
      const worker = workers.find((candidate) => candidate.id === params.worker_id);
      if (!worker) throw new Error(`unexpected read of ${params.worker_id}`);
      return worker;
    });

  it('reads a worker whose status moved again by id, not the whole fleet, and ignores unchanged statuses, malformed or unrelated keys', async () => {
    answerWorkerReads();
    await fleet.current();
    expect(fleet.applyKeyChange(etcdKeys.workerCapacity(w1), 'not json')).toBeNull();
    expect(fleet.applyKeyChange('/lcm/elsewhere', '{}')).toBeNull();
    expect(fleet.applyKeyChange(etcdKeys.workerActual(w2), actual('RUNNING'))).toBeNull();
    fleet.reserve('session-1', w2, demand);
    expect(fleet.applyKeyChange(etcdKeys.workerActual(w2), actual('DRAINING'))).toBe('status');
    workers = [aWorkerView(w1), aWorkerView(w2, { status: 'DRAINING' })];
    const view = await fleet.current();
    expect(view.get(w2)?.status).toBe('DRAINING');
    // The placement still in flight stays reserved on the worker read again.
    expect(view.get(w2)?.allocated.cpu_cores).toBe(
      aWorkerView(w2).allocated_capacity.cpu_cores + demand.capacity.cpu_cores,
    );
    expect(cpa.callsTo(apiContract.internal.workers.getWorker)).toEqual([{ params: { worker_id: w2 } }]);
    expect(cpa.callsTo(apiContract.internal.workers.listWorkers)).toHaveLength(1);
    await fleet.current();
    expect(cpa.callsTo(apiContract.internal.workers.getWorker)).toHaveLength(1);
  });

  it('lists the fleet again when a worker key is deleted, a worker is gone, or too many moved to read one by one', async () => {
    await fleet.current();
    fleet.applyKeyChange(etcdKeys.workerActual(w1), null);
    await fleet.current();
    expect(cpa.callsTo(apiContract.internal.workers.listWorkers)).toHaveLength(2);

    cpa.failNext(apiContract.internal.workers.getWorker, 404);
    fleet.applyKeyChange(etcdKeys.workerActual(w2), actual('DRAINING'));
    await fleet.current();
    await fleet.current();
    expect(cpa.callsTo(apiContract.internal.workers.listWorkers)).toHaveLength(3);

    for (let index = 0; index <= 50; index += 1)
      fleet.applyKeyChange(etcdKeys.workerActual(uuid('b', index)), actual('RUNNING'));
    await fleet.current();
    expect(cpa.callsTo(apiContract.internal.workers.listWorkers)).toHaveLength(4);
    expect(cpa.callsTo(apiContract.internal.workers.getWorker)).toHaveLength(1);
  });

  it('shares one listing between concurrent decisions', async () => {
    await Promise.all([fleet.current(), fleet.current(), fleet.refresh()]);
    expect(cpa.callsTo(apiContract.internal.workers.listWorkers)).toHaveLength(1);
  });
});

describe('PendingPlacements', () => {
  it('pages closest timeslot first, ASAP sessions leading, with a cursor that survives removals; clears on leadership loss', () => {
    const pending = new PendingPlacements();
    const noFit = { kind: 'no_fit', rejections: [], summary: {} } as const;
    const at = new Date('2030-01-01T00:00:00.000Z');
    const later = aSessionView(uuid('c', 1), { timeslot_start: '2030-01-01T10:00:00.000Z' });
    const sooner = aSessionView(uuid('c', 2), { timeslot_start: '2030-01-01T09:00:00.000Z' });
    const asap = aSessionView(uuid('c', 3));
    for (const session of [later, sooner, asap]) pending.recordNoFit(session.id, session, noFit, at);
    const first = pending.page(2);
    expect(first.items.map((item) => item.lablet_session_id)).toEqual([asap.id, sooner.id]);
    pending.remove(sooner.id);
    const second = pending.page(2, first.next_cursor!);
    expect(second).toEqual({
      items: [expect.objectContaining({ lablet_session_id: later.id })],
      next_cursor: null,
    });
    pending.clear();
    expect(pending.page(2)).toEqual({ items: [], next_cursor: null });
  });
});
