export interface BackoffPolicy {
  /** Delay after the first failure. */
  readonly initialMs: number;
  /** The doubling stops here. */
  readonly maxMs: number;
  /**
   * After this many consecutive failures of one key the delay becomes `delayMs` (a long pause for
   * a key that keeps failing, e.g. the scheduler's 300 s after five failures).
   */
  readonly escalation?: { readonly afterFailures: number; readonly delayMs: number };
}

/** 1 s doubling to 60 s (docs/decisions/reconcilers.md). */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };

/** Consecutive failures per key; a success forgets the key. */
export class KeyedBackoff {
  private readonly failures = new Map<string, number>();

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Records one more failure of `key` and returns how long to wait before the next try. */
  nextDelay(key: string): number {
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, count);
    const { initialMs, maxMs, escalation } = this.policy;
    if (escalation && count >= escalation.afterFailures) return escalation.delayMs;
    return Math.min(maxMs, initialMs * 2 ** (count - 1));
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
