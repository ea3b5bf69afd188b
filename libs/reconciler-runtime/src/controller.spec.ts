import { createLogger } from '@lcm/observability';
import { Controller } from './controller';
import { type KeySource } from './key-source';
import { ControllerMetrics } from './metrics';
import { done, failed, requeueAfter, type ReconcileResult, TerminalError } from './reconcile-result';
import { type ReconcileContext, type Reconciler } from './reconciler';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A reconciler whose answers the test scripts per key; it logs when each key ran. */
function scripted(
  answers: Record<string, Array<ReconcileResult | (() => Promise<ReconcileResult>)>>,
  sources: KeySource[] = [],
) {
  const runs: Array<{ key: string; at: number; context: ReconcileContext }> = [];
  const reconciler: Reconciler = {
    name: 'scripted',
    sources,
    reconcile: async (key, context) => {
      runs.push({ key, at: Date.now(), context });
      const next = answers[key]?.shift() ?? done();
      return typeof next === 'function' ? next() : next;
    },
  };
  return { reconciler, runs };
}

const newController = (reconciler: Reconciler, resyncIntervalMs = 30_000) =>
  new Controller(reconciler, {
    resyncIntervalMs,
    defaultParallelism: 4,
    logger,
    metrics: new ControllerMetrics('test'),
  });

describe('Controller', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2030-01-07T09:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('requeues after exactly the delay a step asked for', async () => {
    const { reconciler, runs } = scripted({ a: [requeueAfter(5_000), done()] });
    const controller = newController(reconciler);
    controller.activate();
    controller.enqueue('a');
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.at - runs[0]!.at).toBe(5_000);
    expect(controller.stats().outcomes).toMatchObject({ requeue: 1, done: 1 });
  });

  it('backs off 1 s, 2 s, 4 s on consecutive errors and forgets them after a success', async () => {
    const boom = failed(new Error('CPA unavailable'));
    const { reconciler, runs } = scripted({ a: [boom, boom, boom, done(), boom] });
    const controller = newController(reconciler);
    controller.activate();
    controller.enqueue('a');
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(runs.map((run) => run.at - runs[0]!.at)).toEqual([0, 1_000, 3_000, 7_000]);
    expect(runs.map((run) => run.context.failures)).toEqual([0, 1, 2, 3]);
    controller.enqueue('a');
    await jest.advanceTimersByTimeAsync(0);
    expect(runs[4]!.context.failures).toBe(0);
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toHaveLength(5);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(6);
    expect(controller.stats().last_error).toMatchObject({ key: 'a', message: 'CPA unavailable' });
  });

  it('treats a thrown error like a returned one, and never retries a terminal error by itself', async () => {
    const { reconciler, runs } = scripted({
      thrown: [() => Promise.reject(new Error('socket hang up'))],
      terminal: [failed(new TerminalError('definition is malformed'))],
    });
    const controller = newController(reconciler);
    controller.activate();
    controller.enqueue('thrown');
    controller.enqueue('terminal');
    await jest.advanceTimersByTimeAsync(120_000);
    expect(runs.filter((run) => run.key === 'thrown')).toHaveLength(2);
    expect(runs.filter((run) => run.key === 'terminal')).toHaveLength(1);
    expect(controller.stats().outcomes).toMatchObject({ error: 1, terminal: 1, done: 1 });
  });

  it('reconciles only while active; deactivation aborts runs in flight, which run again in the next term', async () => {
    let release!: () => void;
    const blocked = () =>
      new Promise<ReconcileResult>((resolve) => {
        release = () => resolve(done());
      });
    const { reconciler, runs } = scripted({ a: [blocked, done()] });
    const controller = newController(reconciler);
    controller.enqueue('a');
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(0);
    controller.activate();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);
    controller.deactivate();
    expect(runs[0]!.context.signal.aborted).toBe(true);
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(controller.stats().outcomes.aborted).toBe(1);
    expect(runs).toHaveLength(1);
    controller.activate();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.context.signal.aborted).toBe(false);
  });

  it('lists on activation and at every resync, and watches whatever the state', async () => {
    let push!: (key: string) => void;
    const listed = jest.fn(async () => ['x', 'y']);
    const source: KeySource = {
      name: 'test',
      watch: async (enqueue) => {
        push = enqueue;
      },
      list: listed,
    };
    const { reconciler, runs } = scripted({}, [source]);
    const controller = newController(reconciler, 10_000);
    await controller.start();
    push('w');
    expect(controller.stats().queue_depth).toBe(1);
    expect(listed).not.toHaveBeenCalled();
    controller.activate();
    await jest.advanceTimersByTimeAsync(0);
    expect(listed).toHaveBeenCalledTimes(1);
    expect(runs.map((run) => run.key).sort()).toEqual(['w', 'x', 'y']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(listed).toHaveBeenCalledTimes(2);
    controller.deactivate();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(listed).toHaveBeenCalledTimes(2);
  });

  it('lets a resync list a key that is backing off without cutting its backoff short', async () => {
    const boom = failed(new Error('CPA unavailable'));
    const { reconciler, runs } = scripted({ a: [boom, boom] }, [{ name: 'api', list: async () => ['a'] }]);
    const controller = newController(reconciler, 1_400);
    controller.activate();
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs.map((run) => run.at - runs[0]!.at)).toEqual([0, 1_000]);
    // Second failure: 2 s of backoff, across the resyncs at 1.4 s and 2.8 s that list the key again.
    await jest.advanceTimersByTimeAsync(1_999);
    expect(runs).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs.map((run) => run.at - runs[0]!.at)).toEqual([0, 1_000, 3_000]);
  });

  it('a failing list is retried at the next resync and does not stop the controller', async () => {
    const list = jest.fn().mockRejectedValueOnce(new Error('CPA down')).mockResolvedValue(['a']);
    const { reconciler, runs } = scripted({}, [{ name: 'api', list }]);
    const controller = newController(reconciler, 5_000);
    controller.activate();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(runs.map((run) => run.key)).toEqual(['a']);
  });

  it('never runs two listings of one source at once: a listing slower than the resync is joined, not stacked', async () => {
    let listingsRunning = 0;
    let mostAtOnce = 0;
    const list = jest.fn(async () => {
      listingsRunning += 1;
      mostAtOnce = Math.max(mostAtOnce, listingsRunning);
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      listingsRunning -= 1;
      return ['a'];
    });
    const { reconciler, runs } = scripted({}, [{ name: 'slow-api', list }]);
    const controller = newController(reconciler, 5_000);
    controller.activate();
    await jest.advanceTimersByTimeAsync(11_000);
    // A resync asked for by an operator while the listing runs waits for that listing.
    const resynced = controller.resync();
    await jest.advanceTimersByTimeAsync(1_000);
    await resynced;
    expect(runs.map((run) => run.key)).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(mostAtOnce).toBe(1);
    // 42 s at a 5 s resync would have started 9 listings; each 12 s listing absorbed the ticks it overlapped.
    expect(list.mock.calls.length).toBeLessThanOrEqual(4);
    expect(list.mock.calls.length).toBeGreaterThanOrEqual(3);
  });
});
