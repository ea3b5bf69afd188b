/**
 * The `(source, id)` pairs of the latest CloudEvents applied, oldest forgotten first. A pair is
 * only remembered once its effect is committed, so a delivery that failed (503) is applied when
 * redelivered; concurrent deliveries of one pair share the first one's outcome.
 */
export class DedupeWindow<T> {
  private readonly applied = new Map<string, T>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  static keyOf(source: string, id: string): string {
    return `${source}\u0000${id}`;
  }

  get size(): number {
    return this.applied.size;
  }

  /** The recorded outcome of an applied pair, the running one, or `apply` run once for it. */
  async once(key: string, apply: () => Promise<T>): Promise<{ outcome: T; duplicate: boolean }> {
    const done = this.applied.get(key);
    if (done !== undefined) return { outcome: done, duplicate: true };
    const running = this.inFlight.get(key);
    if (running) return { outcome: await running, duplicate: true };
    const attempt = apply();
    this.inFlight.set(key, attempt);
    try {
      const outcome = await attempt;
      this.remember(key, outcome);
      return { outcome, duplicate: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private remember(key: string, outcome: T): void {
    this.applied.set(key, outcome);
    while (this.applied.size > this.capacity) {
      const oldest = this.applied.keys().next().value;
      if (oldest === undefined) break;
      this.applied.delete(oldest);
    }
  }
}
