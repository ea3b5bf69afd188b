/**
 * The queue between key sources and reconcile workers, with client-go's workqueue guarantees:
 * a key waits at most once (adds are deduplicated), one key is never processed by two workers at
 * once (a key added while it runs is run again once it finishes), and at most `parallelism` keys
 * run together. Delayed adds keep only the earliest pending time per key; an immediate add
 * replaces a pending delayed one. While paused (a standby replica) keys accumulate but nothing runs.
 */
export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private active = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly parallelism: number,
    private readonly process: (key: string) => Promise<void>,
  ) {
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError('parallelism must be a positive integer');
  }

  add(key: string): void {
    this.cancelDelayed(key);
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.ready.push(key);
    this.pump();
  }

  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    if (this.waiting.has(key)) return;
    const at = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { at, timer });
  }

  /** Workers may take keys (this replica leads). */
  start(): void {
    this.active = true;
    this.pump();
  }

  /** Workers take no new keys; keys already running finish on their own. */
  pause(): void {
    this.active = false;
  }

  /** Forgets every waiting and delayed key and stops; running keys finish. */
  shutDown(): void {
    this.pause();
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.waiting.clear();
    this.ready.length = 0;
    this.dirty.clear();
  }

  get depth(): number {
    return this.waiting.size;
  }

  get inFlight(): number {
    return this.running.size;
  }

  get delayedCount(): number {
    return this.delayed.size;
  }

  /** The key waits for a delayed add (a requeue or a backoff). */
  isDelayed(key: string): boolean {
    return this.delayed.has(key);
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Resolves once nothing waits or runs (delayed keys do not count); for tests and graceful stops. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.running.size === 0 && (this.waiting.size === 0 || !this.active);
  }

  private cancelDelayed(key: string): void {
    const pending = this.delayed.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.delayed.delete(key);
  }

  private pump(): void {
    while (this.active && this.running.size < this.parallelism && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      this.waiting.delete(key);
      this.running.add(key);
      void this.process(key)
        .catch(() => undefined)
        .finally(() => this.finish(key));
    }
    this.notifyIdle();
  }

  private finish(key: string): void {
    this.running.delete(key);
    if (this.dirty.delete(key)) this.add(key);
    this.pump();
  }

  private notifyIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
