import {
  apiContract,
  type CmlWorker,
  etcdKeys,
  type LabletSession,
  type WorkerTemplate,
} from '@lcm/contracts';
import { NotFoundError } from '@lcm/cpa-client';
import { createLogger } from '@lcm/observability';
import { KeyedBackoff, type ReconcileContext, type Reconciler } from '@lcm/reconciler-runtime';
import { FakeControlPlane } from '@lcm/testing';
import { DefinitionDemands } from '../placement/definition-demands';
import { FleetView } from '../placement/fleet-view';
import { PendingPlacements } from '../placement/pending-placements';
import { ScaleUpPlanner } from '../placement/scale-up-planner';
import { ScheduleBatcher } from '../placement/schedule-batcher';
import { SchedulerStats } from '../placement/scheduler-stats';
import { SessionSnapshots } from '../placement/session-snapshots';
import {
  aDefinitionView,
  aSessionView,
  aTemplateView,
  aWorkerView,
  capacityKeyOf,
  settingsView,
  T0,
  uuid,
} from '../testing/fleet-fixtures';
import { sessionPlacementReconciler } from './session-placement.reconciler';

const routes = apiContract.internal;
const log = createLogger({ service: 'resource-scheduler-test', level: 'silent' });
const LEAD_WINDOW_MS = 35 * 60_000;
const NO_FIT_RETRY_MS = 30_000;
const page = <T>(items: T[]) => ({ items, next_cursor: null });

interface World {
  sessions: Map<string, LabletSession>;
  workers: CmlWorker[];
  capacityKeys: Record<string, string>;
  templates: WorkerTemplate[];
  maxWorkers: number;
}

function setup(world: Partial<World> = {}) {
  const state: World = {
    sessions: new Map(),
    workers: [],
    capacityKeys: {},
    templates: [],
    maxWorkers: 10,
    ...world,
  };
  let now = T0;
  const cpa = new FakeControlPlane();
  cpa
    .on(routes.sessions.getSession, ({ params }) => {
      const session = state.sessions.get(String(params.lablet_session_id));
      if (!session)
        throw new NotFoundError({
          method: 'GET',
          path: '/sessions',
          status: 404,
          code: 'NOT_FOUND',
          detail: 'gone',
        });
      return session;
    })
    .on(routes.sessions.scheduleBatch, ({ body }) => ({
      results: body.placements.map(({ session_id, worker_id }) => ({
        session_id,
        worker_id,
        outcome: 'scheduled' as const,
        session: { ...state.sessions.get(session_id)!, status: 'SCHEDULED' as const, worker_id },
      })),
    }))
    .on(routes.labletDefinitions.getDefinition, () => aDefinitionView())
    .on(routes.workers.listWorkers, () => page(state.workers))
    .on(routes.workerTemplates.listWorkerTemplates, () => page(state.templates))
    .on(routes.settings.getSettings, () => settingsView({ max_workers: state.maxWorkers }))
    .on(routes.workers.scaleUp, ({ body }) => {
      const worker = aWorkerView(uuid('e', state.workers.length + 1), {
        status: 'PENDING',
        service_status: 'UNAVAILABLE',
        template_id: body.template_id,
        origin: 'scale_up',
        created_at: new Date(now).toISOString(),
      });
      state.workers.push(worker);
      return { worker_id: worker.id };
    })
    .on(routes.scheduler.reportUnschedulable, ({ body }) => ({
      lablet_session_id: body.lablet_session_id,
      published: true,
    }));
  const fleet = new FleetView({
    cpa: cpa.client,
    capacityKeys: { list: async () => state.capacityKeys },
    maxAgeMs: 30_000,
    log,
    now: () => now,
  });
  const pending = new PendingPlacements();
  const snapshots = new SessionSnapshots();
  const stats = new SchedulerStats();
  const backoff = { initialMs: 1_000, maxMs: 60_000, escalation: { afterFailures: 5, delayMs: 300_000 } };
  const reconciler: Reconciler = sessionPlacementReconciler({
    cpa: cpa.client,
    fleet,
    definitions: new DefinitionDemands(cpa.client, 30_000, () => now),
    planner: new ScaleUpPlanner({ cpa: cpa.client, fleet, now: () => now }),
    batcher: new ScheduleBatcher(cpa.client, 0),
    pending,
    snapshots,
    stats,
    sources: [],
    leadWindowMs: LEAD_WINDOW_MS,
    noFitRetryMs: NO_FIT_RETRY_MS,
    conflictsBeforeBackoff: 3,
    backoff,
    now: () => now,
  });
  const context = (key: string): ReconcileContext => ({
    key,
    reconcileId: 'test',
    signal: new AbortController().signal,
    log,
    failures: 0,
  });
  const addSession = (id: string, overrides: Partial<LabletSession> = {}) => {
    state.sessions.set(id, aSessionView(id, overrides));
    return id;
  };
  return {
    state,
    cpa,
    fleet,
    pending,
    snapshots,
    stats,
    reconciler,
    backoff,
    addSession,
    reconcile: (key: string) => reconciler.reconcile(key, context(key)),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const scheduledOn = (cpa: FakeControlPlane) =>
  cpa
    .callsTo(routes.sessions.scheduleBatch)
    .flatMap((call) => call.body.placements.map((placement) => placement.worker_id));

describe('session placement', () => {
  const w1 = uuid('a', 1);
  const w2 = uuid('a', 2);
  const w3 = uuid('a', 3);

  it('schedules a PENDING session on the fullest worker that fits, reading capacity from the etcd keys', async () => {
    const workers = [aWorkerView(w1), aWorkerView(w2), aWorkerView(w3, { status: 'DRAINING' })];
    const world = setup({
      workers,
      capacityKeys: {
        // w2's key is newer than its document and says it is half full: bin-packing picks it.
        [etcdKeys.workerCapacity(w2)]: capacityKeyOf(workers[1]!, {
          cpu_cores: 16,
          memory_gb: 64,
          storage_gb: 500,
          max_nodes: 50,
        }),
        [etcdKeys.workerCapacity(w3)]: capacityKeyOf(workers[2]!, {
          cpu_cores: 30,
          memory_gb: 100,
          storage_gb: 900,
          max_nodes: 90,
        }),
      },
    });
    const session = world.addSession(uuid('c', 1));
    expect(await world.reconcile(session)).toEqual({ kind: 'done' });
    expect(scheduledOn(world.cpa)).toEqual([w2]);
    expect(world.stats.snapshot()).toMatchObject({ decisions: { placed: 1 }, retries: 0 });
    expect(world.pending.size).toBe(0);
  });

  it('keeps placing when one capacity key is malformed: that worker keeps the API figures', async () => {
    const workers = [
      aWorkerView(w1, {
        allocated_capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 250, max_nodes: 25 },
      }),
      aWorkerView(w2),
    ];
    const world = setup({
      workers,
      capacityKeys: {
        [etcdKeys.workerCapacity(w1)]: '{"worker_id": not json',
        [etcdKeys.workerCapacity(w2)]: JSON.stringify({ worker_id: w2, declared_capacity: 'lots' }),
      },
    });
    await world.reconcile(world.addSession(uuid('c', 1)));
    expect(scheduledOn(world.cpa)).toEqual([w1]);
  });

  it('leaves sessions alone that are gone, no longer PENDING or past their timeslot', async () => {
    const world = setup({ workers: [aWorkerView(w1)] });
    const scheduled = world.addSession(uuid('c', 1), { status: 'SCHEDULED', worker_id: w1 });
    const ended = world.addSession(uuid('c', 2), {
      timeslot_start: new Date(T0 - 7_200_000).toISOString(),
      timeslot_end: new Date(T0 - 1).toISOString(),
    });
    for (const key of [scheduled, ended, uuid('c', 9)])
      expect(await world.reconcile(key)).toEqual({ kind: 'done' });
    expect(world.cpa.callsTo(routes.sessions.scheduleBatch)).toHaveLength(0);
  });

  it('waits for the lead window of a future reservation, and places an ASAP session at once', async () => {
    const world = setup({ workers: [aWorkerView(w1)] });
    const later = world.addSession(uuid('c', 1), {
      timeslot_start: new Date(T0 + LEAD_WINDOW_MS + 60_000).toISOString(),
      timeslot_end: new Date(T0 + LEAD_WINDOW_MS + 3_600_000).toISOString(),
    });
    expect(await world.reconcile(later)).toMatchObject({ kind: 'requeue', afterMs: 60_000 });
    expect(world.cpa.callsTo(routes.sessions.scheduleBatch)).toHaveLength(0);
    world.advance(60_000);
    expect(await world.reconcile(later)).toEqual({ kind: 'done' });
    expect(await world.reconcile(world.addSession(uuid('c', 2)))).toEqual({ kind: 'done' });
    expect(scheduledOn(world.cpa)).toEqual([w1, w1]);
  });

  it('requeues at once with a fresh fleet on 409/422, and backs off after three stale answers in a row', async () => {
    const world = setup({ workers: [aWorkerView(w1)] });
    const session = world.addSession(uuid('c', 1));
    world.cpa.failNext(routes.sessions.scheduleBatch, 422).failNext(routes.sessions.scheduleBatch, 409);
    expect(await world.reconcile(session)).toMatchObject({ kind: 'requeue', afterMs: 0 });
    expect(await world.reconcile(session)).toMatchObject({ kind: 'requeue', afterMs: 0 });
    // The stale answer made the second decision list the fleet again.
    expect(world.cpa.callsTo(routes.workers.listWorkers)).toHaveLength(2);
    world.cpa.failNext(routes.sessions.scheduleBatch, 422, 2);
    expect(await world.reconcile(session)).toMatchObject({ kind: 'error' });
    expect(await world.reconcile(session)).toMatchObject({ kind: 'error' });
    expect(await world.reconcile(session)).toEqual({ kind: 'done' });
    expect(world.stats.snapshot()).toMatchObject({
      decisions: { conflict: 2, failed: 2, placed: 1 },
      retries: 4,
    });
  });

  it('places from the snapshot the status key gave without reading the session, and reads it fresh on a retry', async () => {
    const world = setup({ workers: [aWorkerView(w1)] });
    const session = world.addSession(uuid('c', 1));
    world.snapshots.note(session, world.state.sessions.get(session)!);
    world.cpa.failNext(routes.sessions.scheduleBatch, 409);
    expect(await world.reconcile(session)).toMatchObject({ kind: 'requeue', afterMs: 0 });
    expect(world.cpa.callsTo(routes.sessions.getSession)).toHaveLength(0);
    expect(await world.reconcile(session)).toEqual({ kind: 'done' });
    expect(world.cpa.callsTo(routes.sessions.getSession)).toHaveLength(1);
    expect(scheduledOn(world.cpa)).toEqual([w1, w1]);
  });

  it('ends the attempt without listing the fleet again when the refusal says the session left PENDING', async () => {
    const world = setup({ workers: [aWorkerView(w1)] });
    const session = world.addSession(uuid('c', 1));
    world.cpa.on(routes.sessions.scheduleBatch, ({ body }) => ({
      results: body.placements.map(({ session_id, worker_id }) => ({
        session_id,
        worker_id,
        outcome: 'refused' as const,
        problem: {
          type: 'urn:lcm:problem:invalid-transition',
          title: 'Invalid transition',
          status: 409,
          code: 'INVALID_TRANSITION' as const,
          current_status: 'SCHEDULED',
          requested_status: 'SCHEDULED',
        },
      })),
    }));
    expect(await world.reconcile(session)).toEqual({ kind: 'done' });
    expect(world.cpa.callsTo(routes.workers.listWorkers)).toHaveLength(1);
    expect(world.stats.snapshot()).toMatchObject({ retries: 0 });
    expect(world.stats.snapshot().decisions).toEqual({});
  });

  it('turns other schedule failures and a missing definition into errors for the backoff, never a crash', async () => {
    const world = setup({ workers: [aWorkerView(w1)] });
    const session = world.addSession(uuid('c', 1));
    world.cpa.failNext(routes.sessions.scheduleBatch, 503);
    expect(await world.reconcile(session)).toMatchObject({ kind: 'error' });
    const orphan = world.addSession(uuid('c', 2), { definition_id: uuid('d', 9) });
    world.cpa.failNext(routes.labletDefinitions.getDefinition, 404);
    expect(await world.reconcile(orphan)).toMatchObject({ kind: 'error' });
    expect(world.stats.snapshot().decisions).toEqual({ failed: 2 });
  });

  it('backs a session off 1 s doubling, and 300 s once it failed five times in a row', () => {
    const { reconciler } = setup();
    const backoff = new KeyedBackoff(reconciler.backoff);
    const delays = Array.from({ length: 6 }, () => backoff.nextDelay('s'));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 300_000, 300_000]);
    backoff.forget('s');
    expect(backoff.nextDelay('s')).toBe(1_000);
  });

  describe('when nothing fits', () => {
    const full = { cpu_cores: 30, memory_gb: 0, storage_gb: 0, max_nodes: 0 };
    const cheap = uuid('f', 1);
    const dear = uuid('f', 2);

    const crowded = (overrides: Partial<World> = {}) =>
      setup({
        workers: [aWorkerView(w1, { allocated_capacity: full }), aWorkerView(w2, { status: 'STOPPED' })],
        templates: [
          aTemplateView(dear, { cost_per_hour_usd: 9 }),
          aTemplateView(cheap, { cost_per_hour_usd: 2 }),
          aTemplateView(uuid('f', 3), { cost_per_hour_usd: 0, enabled: false }),
        ],
        ...overrides,
      });

    it('keeps each worker rejection for the pending view and requests one worker of the cheapest viable template', async () => {
      const world = crowded();
      const first = world.addSession(uuid('c', 1));
      expect(await world.reconcile(first)).toMatchObject({ kind: 'requeue', afterMs: NO_FIT_RETRY_MS });
      expect(world.cpa.callsTo(routes.workers.scaleUp).map((call) => call.body)).toEqual([
        { template_id: cheap, reason: `no worker fits session ${first}`, lablet_session_id: first },
      ]);
      expect(world.pending.page(10).items).toEqual([
        expect.objectContaining({
          lablet_session_id: first,
          rejections: { capacity: 1, status: 1 },
          worker_rejections: [
            { worker_id: w1, category: 'capacity', reason: 'cpu_cores 4 needed, 2 free' },
            expect.objectContaining({ worker_id: w2, category: 'status' }),
          ],
          unschedulable: false,
        }),
      ]);
      // The same session again, and a second one, while the new worker is PENDING: covered, no second request.
      world.advance(400_000);
      await world.reconcile(first);
      await world.reconcile(world.addSession(uuid('c', 2)));
      expect(world.cpa.callsTo(routes.workers.scaleUp)).toHaveLength(1);
      expect(world.stats.snapshot()).toMatchObject({
        scale_ups_requested: 1,
        scale_ups: { requested: 1, covered: 2 },
      });
    });

    it('counts a worker just RUNNING whose CML does not answer yet as coming up, until its template start-up time is over', async () => {
      const justStarted = aWorkerView(w3, {
        origin: 'scale_up',
        status: 'RUNNING',
        service_status: 'UNAVAILABLE',
        created_at: new Date(T0 - 600_000).toISOString(),
        start_initiated_at: new Date(T0 - 60_000).toISOString(),
        template_id: cheap,
      });
      const world = crowded();
      world.state.workers.push(justStarted);
      await world.reconcile(world.addSession(uuid('c', 1)));
      expect(world.cpa.callsTo(routes.workers.scaleUp)).toHaveLength(0);
      expect(world.stats.snapshot().scale_ups).toEqual({ covered: 1 });

      // The template's 20 minutes of start-up are over and CML still does not answer: a new worker.
      world.advance(20 * 60_000);
      await world.reconcile(world.addSession(uuid('c', 2)));
      expect(world.cpa.callsTo(routes.workers.scaleUp)).toHaveLength(1);
    });

    it('requests nothing when the region is at its maximum', async () => {
      const world = crowded({ maxWorkers: 2 });
      await world.reconcile(world.addSession(uuid('c', 1)));
      expect(world.cpa.callsTo(routes.workers.scaleUp)).toHaveLength(0);
      expect(world.stats.snapshot().scale_ups).toEqual({ max_reached: 1 });
    });

    it('waits out the cooldown after a recent scale-up in the region', async () => {
      const recent = aWorkerView(w3, {
        origin: 'scale_up',
        created_at: new Date(T0 - 100_000).toISOString(),
        status: 'STOPPED',
        template_id: uuid('f', 7),
      });
      const world = crowded();
      world.state.workers.push(recent);
      // 300 s cooldown, 100 s gone; the session is looked at again when it ends (or sooner on a fleet change).
      expect(await world.reconcile(world.addSession(uuid('c', 1)))).toMatchObject({
        kind: 'requeue',
        afterMs: 30_000,
      });
      expect(world.cpa.callsTo(routes.workers.scaleUp)).toHaveLength(0);
      expect(world.stats.snapshot().scale_ups).toEqual({ cooldown: 1 });
    });

    it('flags a session no enabled template can ever hold as unschedulable instead of looping', async () => {
      const world = crowded({
        templates: [aTemplateView(cheap, { max_nodes: 2 }), aTemplateView(dear, { enabled: false })],
      });
      world.state.workers = [
        aWorkerView(w1, {
          declared_capacity: { cpu_cores: 32, memory_gb: 128, storage_gb: 1000, max_nodes: 2 },
        }),
      ];
      const session = world.addSession(uuid('c', 1));
      expect(await world.reconcile(session)).toEqual({ kind: 'done' });
      expect(world.cpa.callsTo(routes.workers.scaleUp)).toHaveLength(0);
      expect(world.pending.page(10).items[0]).toMatchObject({
        lablet_session_id: session,
        unschedulable: true,
      });
      expect(world.stats.snapshot().decisions).toEqual({ unschedulable: 1 });
      expect(world.cpa.callsTo(routes.scheduler.reportUnschedulable).map((call) => call.body)).toEqual([
        {
          lablet_session_id: session,
          definition_id: world.state.sessions.get(session)!.definition_id,
          reason: expect.stringContaining('no enabled worker template'),
          rejections: { capacity: 1 },
          flagged_at: new Date(T0).toISOString(),
        },
      ]);
    });

    it('reports an unschedulable session to the control plane once, and again after a failed report', async () => {
      const world = crowded({ templates: [aTemplateView(cheap, { max_nodes: 2 })] });
      world.state.workers = [
        aWorkerView(w1, {
          declared_capacity: { cpu_cores: 32, memory_gb: 128, storage_gb: 1000, max_nodes: 2 },
        }),
      ];
      const session = world.addSession(uuid('c', 1));
      world.cpa.failNext(routes.scheduler.reportUnschedulable, 503);
      expect(await world.reconcile(session)).toEqual({ kind: 'done' });
      await world.reconcile(session);
      await world.reconcile(session);
      expect(world.cpa.callsTo(routes.scheduler.reportUnschedulable)).toHaveLength(2);
      expect(world.stats.snapshot().decisions).toEqual({ unschedulable: 3 });
    });

    it('lets a session wait for an existing worker to free up when no template could hold it', async () => {
      const world = crowded({ templates: [] });
      expect(await world.reconcile(world.addSession(uuid('c', 1)))).toMatchObject({ kind: 'requeue' });
      expect(world.pending.page(10).items[0]).toMatchObject({ unschedulable: false });
    });
  });
});
