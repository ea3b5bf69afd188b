import { Counter, Histogram, type Registry } from 'prom-client';

/** What one placement attempt of a session came to. */
export type DecisionOutcome =
  'placed' | 'conflict' | 'no_fit' | 'unschedulable' | 'waiting_for_window' | 'failed';

/** `no_template`: no enabled template could hold the session (it waits for a worker to free up, or is unschedulable). */
export type ScaleUpOutcome = 'requested' | 'covered' | 'max_reached' | 'cooldown' | 'no_template';

const LATENCY_WINDOW = 1000;

/**
 * Placement decisions, their latency, retries and scale-ups, kept for `/api/admin/stats` and
 * registered on the controller's metrics registry so one scrape shows them (spec §7.1 step 8).
 */
export class SchedulerStats {
  private readonly decisions = new Map<DecisionOutcome, number>();
  private readonly scaleUps = new Map<ScaleUpOutcome, number>();
  private retries = 0;
  private readonly latencies: number[] = [];
  private lastPassAt: Date | null = null;
  private readonly decisionCounter: Counter<'outcome'>;
  private readonly decisionSeconds: Histogram<'outcome'>;
  private readonly scaleUpCounter: Counter<'outcome'>;
  private readonly retryCounter: Counter;

  constructor() {
    this.decisionCounter = new Counter({
      name: 'lcm_scheduler_decisions_total',
      help: 'Placement attempts of PENDING sessions by outcome',
      labelNames: ['outcome'],
      registers: [],
    });
    this.decisionSeconds = new Histogram({
      name: 'lcm_scheduler_decision_seconds',
      help: 'From reading a PENDING session to the outcome of its placement attempt',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [],
    });
    this.scaleUpCounter = new Counter({
      name: 'lcm_scheduler_scale_ups_total',
      help: 'Scale-up evaluations by outcome (requested, covered by a starting worker, regional maximum, cooldown, no template)',
      labelNames: ['outcome'],
      registers: [],
    });
    this.retryCounter = new Counter({
      name: 'lcm_scheduler_retries_total',
      help: 'Placement attempts that will be retried (stale view or failure)',
      registers: [],
    });
  }

  /** Adds the scheduler's metrics to the controller's registry, served at `/metrics`. */
  registerOn(registry: Registry): void {
    for (const metric of [this.decisionCounter, this.decisionSeconds, this.scaleUpCounter, this.retryCounter])
      registry.registerMetric(metric);
  }

  decision(outcome: DecisionOutcome, seconds: number): void {
    this.decisions.set(outcome, (this.decisions.get(outcome) ?? 0) + 1);
    this.decisionCounter.inc({ outcome });
    this.decisionSeconds.observe({ outcome }, seconds);
    this.lastPassAt = new Date();
    if (outcome === 'conflict' || outcome === 'failed') {
      this.retries += 1;
      this.retryCounter.inc();
    }
    this.latencies.push(seconds * 1000);
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
  }

  scaleUp(outcome: ScaleUpOutcome): void {
    this.scaleUps.set(outcome, (this.scaleUps.get(outcome) ?? 0) + 1);
    this.scaleUpCounter.inc({ outcome });
  }

  snapshot() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (fraction: number) =>
      sorted.length === 0
        ? 0
        : Number(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!.toFixed(2));
    return {
      last_pass_at: this.lastPassAt?.toISOString() ?? null,
      decisions: Object.fromEntries(this.decisions),
      retries: this.retries,
      scale_ups_requested: this.scaleUps.get('requested') ?? 0,
      scale_ups: Object.fromEntries(this.scaleUps),
      decision_latency_ms: { count: sorted.length, p50: at(0.5), p95: at(0.95), max: at(1) },
    };
  }
}
