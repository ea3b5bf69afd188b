/**
 * Latencies (boot, stop, grading delay, ...) go through a Scheduler so that unit tests can drive
 * them with a virtual clock and servers can run them on real timers (zero for throughput tests).
 */
export interface Scheduler {
  now(): number;
  /** Runs `task` after `delayMs`; the returned function cancels it if it has not run yet. */
  schedule(delayMs: number, task: () => void): () => void;
  /** Cancels everything still pending (used when a simulator closes). */
  cancelAll(): void;
}

export class RealScheduler implements Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  schedule(delayMs: number, task: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        task();
      },
      Math.max(0, delayMs),
    );
    // Pending latencies must never keep a test process or a closing simulator alive.
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

interface ManualTask {
  at: number;
  seq: number;
  task: () => void;
}

/** Virtual clock: nothing runs until `advance` moves time past a task's due time. */
export class ManualScheduler implements Scheduler {
  private current: number;
  private seq = 0;
  private tasks: ManualTask[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule(delayMs: number, task: () => void): () => void {
    const entry: ManualTask = { at: this.current + Math.max(0, delayMs), seq: this.seq++, task };
    this.tasks.push(entry);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== entry);
    };
  }

  cancelAll(): void {
    this.tasks = [];
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Moves the clock forward, running due tasks in time order (tasks may schedule more tasks). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.tasks
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.current = due.at;
      due.task();
    }
    this.current = target;
  }
}
