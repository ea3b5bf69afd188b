import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createMetricsRegistry } from '@lcm/observability';
import { type ReconcileOutcome } from './reconcile-result';

/**
 * Every metric a controller process exposes, in one registry served at `/metrics`. Apps add their
 * own domain metrics to `registry` (e.g. placement decisions) so one scrape shows everything.
 */
export class ControllerMetrics {
  /** Node runtime metrics and, once the admin server is up, its HTTP request metrics too. */
  readonly registry: Registry;
  readonly reconciles: Counter<'reconciler' | 'outcome'>;
  readonly reconcileSeconds: Histogram<'reconciler' | 'outcome'>;
  readonly queueDepth: Gauge<'reconciler'>;
  readonly inFlight: Gauge<'reconciler'>;
  readonly leader: Gauge;

  constructor(readonly controller: string) {
    this.registry = createMetricsRegistry({ service: controller, labels: { controller } });
    this.reconciles = new Counter({
      name: 'lcm_reconcile_total',
      help: 'Finished reconcile steps by reconciler and outcome',
      labelNames: ['reconciler', 'outcome'],
      registers: [this.registry],
    });
    this.reconcileSeconds = new Histogram({
      name: 'lcm_reconcile_duration_seconds',
      help: 'Duration of one reconcile step',
      labelNames: ['reconciler', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({
      name: 'lcm_workqueue_depth',
      help: 'Keys waiting in the work queue',
      labelNames: ['reconciler'],
      registers: [this.registry],
    });
    this.inFlight = new Gauge({
      name: 'lcm_workqueue_in_flight',
      help: 'Keys being reconciled now',
      labelNames: ['reconciler'],
      registers: [this.registry],
    });
    this.leader = new Gauge({
      name: 'lcm_leader',
      help: '1 while this replica holds the leader lease',
      registers: [this.registry],
    });
  }

  observe(reconciler: string, outcome: ReconcileOutcome, seconds: number): void {
    this.reconciles.inc({ reconciler, outcome });
    this.reconcileSeconds.observe({ reconciler, outcome }, seconds);
  }
}

/** Counts of one reconciler by outcome, for `/api/admin/stats`. */
export type OutcomeCounts = Record<ReconcileOutcome, number>;
