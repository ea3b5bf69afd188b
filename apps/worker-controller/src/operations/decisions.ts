import { Counter, type Registry } from 'prom-client';
import { type Logger } from '@lcm/observability';

/**
 * Every decision of the worker-controller (launch, report, drain, stop, skip with the guard that
 * held, ...) is logged with its worker and counted, so /metrics shows what the fleet went through.
 */
export class Decisions {
  private readonly counter: Counter<'decision' | 'outcome'>;
  private readonly counts = new Map<string, number>();

  constructor(
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.counter = new Counter({
      name: 'lcm_worker_decisions_total',
      help: 'Worker-controller decisions by kind and outcome',
      labelNames: ['decision', 'outcome'],
      registers: [registry],
    });
  }

  record(decision: string, outcome: string, fields: Record<string, unknown> = {}): void {
    this.counter.inc({ decision, outcome });
    const key = `${decision}:${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.logger.info({ decision, outcome, ...fields }, `${decision}: ${outcome}`);
  }

  /** `{ 'decision:outcome': count }` for /api/admin/stats and tests. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(
      [...this.counts.entries()].sort(([left], [right]) => left.localeCompare(right)),
    );
  }
}
