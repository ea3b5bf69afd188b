import { WorkQueue } from './work-queue';

/** A process function whose runs the test finishes by hand. */
function controllable() {
  const runs: Array<{ key: string; finish: () => void }> = [];
  const process = (key: string) =>
    new Promise<void>((resolve) => {
      runs.push({ key, finish: resolve });
    });
  return { runs, process };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('deduplicates keys that wait', async () => {
    const { runs, process } = controllable();
    const queue = new WorkQueue(1, process);
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('a');
    queue.start();
    await flush();
    expect(runs.map((run) => run.key)).toEqual(['a']);
    expect(queue.depth).toBe(1);
    runs[0]!.finish();
    await flush();
    expect(runs.map((run) => run.key)).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once, and runs it again when it changed while running', async () => {
    const { runs, process } = controllable();
    const queue = new WorkQueue(4, process);
    queue.start();
    queue.add('a');
    await flush();
    queue.add('a');
    queue.add('a');
    await flush();
    expect(runs).toHaveLength(1);
    expect(queue.isRunning('a')).toBe(true);
    runs[0]!.finish();
    await flush();
    expect(runs).toHaveLength(2);
    runs[1]!.finish();
    await flush();
    expect(runs).toHaveLength(2);
    await queue.whenIdle();
  });

  it('runs at most `parallelism` keys together', async () => {
    const { runs, process } = controllable();
    const queue = new WorkQueue(2, process);
    queue.start();
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    await flush();
    expect(queue.inFlight).toBe(2);
    expect(queue.depth).toBe(2);
    runs[0]!.finish();
    await flush();
    expect(queue.inFlight).toBe(2);
    expect(runs.map((run) => run.key)).toEqual(['a', 'b', 'c']);
  });

  it('takes nothing while paused and keeps what accumulated for later', async () => {
    const { runs, process } = controllable();
    const queue = new WorkQueue(2, process);
    queue.add('a');
    await flush();
    expect(runs).toHaveLength(0);
    queue.start();
    await flush();
    expect(runs).toHaveLength(1);
    queue.pause();
    queue.add('b');
    await flush();
    expect(runs).toHaveLength(1);
    expect(queue.depth).toBe(1);
  });

  it('a swallowed failure of the process function does not stop the queue', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue(1, async (key) => {
      seen.push(key);
      throw new Error('boom');
    });
    queue.start();
    queue.add('a');
    queue.add('b');
    await queue.whenIdle();
    expect(seen).toEqual(['a', 'b']);
  });

  describe('delayed adds', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('adds the key when its delay has passed, keeping the earliest of several delays', async () => {
      const seen: string[] = [];
      const queue = new WorkQueue(1, async (key) => {
        seen.push(key);
      });
      queue.start();
      queue.addAfter('a', 5_000);
      queue.addAfter('a', 1_000);
      queue.addAfter('a', 9_000);
      expect(queue.delayedCount).toBe(1);
      await jest.advanceTimersByTimeAsync(999);
      expect(seen).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(seen).toEqual(['a']);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(seen).toEqual(['a']);
    });

    it('an immediate add replaces a pending delayed one', async () => {
      const seen: string[] = [];
      const queue = new WorkQueue(1, async (key) => {
        seen.push(key);
      });
      queue.start();
      queue.addAfter('a', 60_000);
      queue.add('a');
      await jest.advanceTimersByTimeAsync(0);
      expect(seen).toEqual(['a']);
      expect(queue.delayedCount).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(seen).toEqual(['a']);
    });
  });

  it('refuses a parallelism below one', () => {
    expect(() => new WorkQueue(0, async () => undefined)).toThrow(RangeError);
  });
});
