import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Logger, withCorrelationId } from '@lcm/observability';
import { DEFAULT_BACKOFF, KeyedBackoff } from './backoff';
import { type ControllerMetrics, type OutcomeCounts } from './metrics';
import { failed, isTerminalError, type ReconcileOutcome, type ReconcileResult } from './reconcile-result';
import { type Reconciler } from './reconciler';
import { WorkQueue } from './work-queue';

export interface ControllerOptions {
  resyncIntervalMs: number;
  defaultParallelism: number;
  logger: Logger;
  metrics: ControllerMetrics;
}

export interface ControllerStats {
  reconciler: string;
  active: boolean;
  queue_depth: number;
  in_flight: number;
  delayed: number;
  outcomes: OutcomeCounts;
  last_resync_at: string | null;
  last_error: { key: string; message: string; at: string } | null;
}

const emptyOutcomes = (): OutcomeCounts => ({ done: 0, requeue: 0, error: 0, terminal: 0, aborted: 0 });

/**
 * Runs one reconciler: its key sources feed a work queue whose workers call `reconcile` and act on
 * the typed result. Sources watch on every replica; only an active (leading) controller lists,
 * resyncs and reconciles, and deactivation aborts the runs in flight at once.
 */
export class Controller {
  private readonly queue: WorkQueue;
  private readonly backoff: KeyedBackoff;
  private readonly log: Logger;
  private abort = new AbortController();
  private active = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly outcomes = emptyOutcomes();
  private lastResyncAt: Date | null = null;
  private lastError: ControllerStats['last_error'] = null;
  /**
   * Listings still running, by source. A listing slower than its interval (a control plane whose
   * store is behind) is joined, not started again: stacked listings of a whole fleet were what
   * kept such a store behind (docs/bench/system.md).
   */
  private readonly listings = new Map<string, Promise<void>>();

  constructor(
    readonly reconciler: Reconciler,
    private readonly options: ControllerOptions,
  ) {
    this.log = options.logger.child({ reconciler: reconciler.name });
    this.backoff = new KeyedBackoff(reconciler.backoff ?? DEFAULT_BACKOFF);
    this.queue = new WorkQueue(reconciler.parallelism ?? options.defaultParallelism, (key) => this.run(key));
    this.abort.abort();
  }

  get name(): string {
    return this.reconciler.name;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Starts the watches (every replica). */
  async start(): Promise<void> {
    for (const source of this.reconciler.sources) {
      await source.watch?.((key) => this.enqueue(key));
    }
  }

  /** This replica leads: list everything now, resync periodically, reconcile. */
  activate(): void {
    if (this.active) return;
    this.active = true;
    this.abort = new AbortController();
    this.queue.start();
    void this.resync();
    for (const source of this.reconciler.sources) {
      if (!source.list) continue;
      const timer = setInterval(
        () => void this.listSource(source.name, () => source.list!()),
        source.listIntervalMs ?? this.options.resyncIntervalMs,
      );
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Leadership is gone: stop taking keys and abort what runs; the queue is kept for a later term. */
  deactivate(): void {
    if (!this.active) return;
    this.active = false;
    this.queue.pause();
    this.abort.abort();
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  enqueue(key: string): void {
    this.queue.add(key);
    this.updateGauges();
  }

  /** Lists every source once and enqueues what they name. */
  async resync(): Promise<void> {
    await Promise.all(
      this.reconciler.sources
        .filter((source) => source.list)
        .map((source) => this.listSource(source.name, () => source.list!())),
    );
    this.lastResyncAt = new Date();
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  async stop(): Promise<void> {
    this.deactivate();
    this.queue.shutDown();
    await Promise.all(this.reconciler.sources.map((source) => source.stop?.()));
  }

  stats(): ControllerStats {
    return {
      reconciler: this.name,
      active: this.active,
      queue_depth: this.queue.depth,
      in_flight: this.queue.inFlight,
      delayed: this.queue.delayedCount,
      outcomes: { ...this.outcomes },
      last_resync_at: this.lastResyncAt?.toISOString() ?? null,
      last_error: this.lastError,
    };
  }

  private listSource(source: string, list: () => Promise<readonly string[]>): Promise<void> {
    const running = this.listings.get(source);
    if (running) return running;
    const listing = this.enqueueListed(source, list).finally(() => this.listings.delete(source));
    this.listings.set(source, listing);
    return listing;
  }

  private async enqueueListed(source: string, list: () => Promise<readonly string[]>): Promise<void> {
    if (!this.active) return;
    try {
      const keys = await list();
      if (!this.active) return;
      // A listing says "may need work", not "changed": a key backing off after errors keeps its
      // delay (else a resync would cut every backoff, the 300 s escalation included, short).
      for (const key of keys)
        if (!(this.backoff.failuresOf(key) > 0 && this.queue.isDelayed(key))) this.queue.add(key);
      this.updateGauges();
    } catch (error) {
      this.log.warn({ source, err: error }, 'listing keys failed; the next resync tries again');
    }
  }

  private async run(key: string): Promise<void> {
    const abort = this.abort;
    const reconcileId = randomUUID();
    const failures = this.backoff.failuresOf(key);
    const log = this.log.child({ key, reconcile_id: reconcileId });
    const started = performance.now();
    this.updateGauges();
    const result: ReconcileResult = await withCorrelationId(reconcileId, () =>
      this.reconciler.reconcile(key, { key, reconcileId, signal: abort.signal, log, failures }).catch(failed),
    );
    const seconds = (performance.now() - started) / 1000;
    const outcome = abort.signal.aborted ? 'aborted' : this.apply(key, result, log);
    if (outcome === 'aborted') this.queue.add(key);
    this.outcomes[outcome] += 1;
    this.options.metrics.observe(this.name, outcome, seconds);
    this.updateGauges();
  }

  private apply(key: string, result: ReconcileResult, log: Logger): ReconcileOutcome {
    switch (result.kind) {
      case 'done':
        this.backoff.forget(key);
        log.debug('reconciled');
        return 'done';
      case 'requeue':
        this.backoff.forget(key);
        log.debug({ after_ms: result.afterMs, reason: result.reason }, 'requeued');
        this.queue.addAfter(key, result.afterMs);
        return 'requeue';
      case 'error': {
        const message = result.error instanceof Error ? result.error.message : String(result.error);
        this.lastError = { key, message, at: new Date().toISOString() };
        if (isTerminalError(result.error)) {
          this.backoff.forget(key);
          log.error({ err: result.error }, 'reconcile failed for good; waiting for a new change');
          return 'terminal';
        }
        const delayMs = this.backoff.nextDelay(key);
        log.warn(
          { err: result.error, retry_in_ms: delayMs, failures: this.backoff.failuresOf(key) },
          'reconcile failed; backing off',
        );
        this.queue.addAfter(key, delayMs);
        return 'error';
      }
    }
  }

  private updateGauges(): void {
    this.options.metrics.queueDepth.set({ reconciler: this.name }, this.queue.depth);
    this.options.metrics.inFlight.set({ reconciler: this.name }, this.queue.inFlight);
  }
}
