import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export { Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Becomes the `service` label of every series, so one Prometheus can tell the apps apart. */
  service: string;
  /** More labels on every series (e.g. a controller name). */
  labels?: Record<string, string>;
}

/**
 * One Prometheus registry per process with the Node runtime metrics (event-loop lag, GC, heap,
 * handles, CPU) already in it. Apps add their domain metrics to the same registry so a single
 * scrape of `/metrics` shows everything.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service, ...options.labels });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets in seconds: most API calls answer in milliseconds, SSE and slow stores take seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Request count and latency by method, route template and status. */
export class HttpMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
