import { type FastifyInstance } from 'fastify';
import { type Db, type Document } from 'mongodb';
import { Counter, Gauge, type Registry } from 'prom-client';
import { SSE_STREAM_PATH } from '@lcm/contracts';
import { SESSION_STATUSES_BEFORE_READY } from '@lcm/domain';

type Samples<L extends string> = { labels: Partial<Record<L, string>>; value: number }[];

/**
 * A gauge read from MongoDB (the source of truth) when Prometheus scrapes. A failed read leaves the
 * gauge empty and counts the failure: the scrape itself still answers, with the HTTP and runtime
 * metrics that matter most while the store is down.
 */
function storeGauge<L extends string>(
  registry: Registry,
  failures: Counter<'metric'>,
  options: { name: string; help: string; labelNames: readonly L[] },
  read: () => Promise<Samples<L>>,
): Gauge<L> {
  return new Gauge<L>({
    ...options,
    registers: [registry],
    async collect() {
      let samples: Samples<L>;
      try {
        samples = await read();
      } catch {
        this.reset();
        failures.inc({ metric: options.name });
        return;
      }
      this.reset();
      for (const { labels, value } of samples) this.set(labels, value);
    },
  });
}

async function countByStatus(db: Db, collection: string, match: Document = {}): Promise<Samples<'status'>> {
  const rows = await db
    .collection(collection)
    .aggregate<{ _id: string; count: number }>([
      { $match: match },
      { $group: { _id: '$status', count: { $sum: 1 } } },
    ])
    .toArray();
  return rows.map((row) => ({ labels: { status: String(row._id) }, value: row.count }));
}

const CAPACITY_FIELDS = ['cpu_cores', 'memory_gb', 'storage_gb', 'max_nodes'] as const;

/**
 * The control plane's domain metrics, queried from MongoDB at scrape time — so every replica reports
 * the same numbers: aggregate with max(), not sum(), across replicas. Sessions and workers by
 * status; sessions whose timeslot has started but that are not READY yet (the "stuck past their
 * lead time" alert); the fleet's declared and allocated capacity (the "capacity exhausted" alert).
 */
export function registerDomainMetrics(registry: Registry, db: () => Db): void {
  const failures = new Counter({
    name: 'lcm_metrics_store_read_failures_total',
    help: 'Scrapes whose MongoDB read of a domain metric failed (the metric is left out of that scrape)',
    labelNames: ['metric'],
    registers: [registry],
  });
  storeGauge(
    registry,
    failures,
    { name: 'lcm_sessions', help: 'Lablet sessions by status', labelNames: ['status'] },
    () => countByStatus(db(), 'lablet_sessions'),
  );
  storeGauge(
    registry,
    failures,
    { name: 'lcm_workers', help: 'CML workers by status', labelNames: ['status'] },
    () => countByStatus(db(), 'cml_workers'),
  );
  storeGauge(
    registry,
    failures,
    {
      name: 'lcm_sessions_past_start_not_ready',
      help: 'Sessions whose timeslot has started but that are still PENDING, SCHEDULED or INSTANTIATING',
      labelNames: ['status'],
    },
    async () => {
      const counts = await countByStatus(db(), 'lablet_sessions', {
        status: { $in: SESSION_STATUSES_BEFORE_READY },
        timeslot_start: { $ne: null, $lte: new Date().toISOString() },
      });
      return SESSION_STATUSES_BEFORE_READY.map((status) => ({
        labels: { status },
        value: counts.find((sample) => sample.labels.status === status)?.value ?? 0,
      }));
    },
  );
  storeGauge(
    registry,
    failures,
    {
      name: 'lcm_fleet_capacity',
      help: 'Capacity of the workers that are not TERMINATED: declared by their templates, allocated to sessions',
      labelNames: ['kind', 'resource'],
    },
    async () => {
      const workers = await db()
        .collection('cml_workers')
        .find(
          { status: { $ne: 'TERMINATED' } },
          { projection: { declared_capacity: 1, allocated_capacity: 1 } },
        )
        .toArray();
      return (['declared', 'allocated'] as const).flatMap((kind) =>
        CAPACITY_FIELDS.map((resource) => ({
          labels: { kind, resource },
          value: workers.reduce(
            (sum, worker) => sum + Number(worker[`${kind}_capacity`]?.[resource] ?? 0),
            0,
          ),
        })),
      );
    },
  );
}

/** Live SSE connections of this replica: up when the stream opens, down when its socket closes. */
export function countSseClients(app: FastifyInstance, registry: Registry): Gauge {
  const clients = new Gauge({
    name: 'lcm_sse_clients',
    help: 'Open SSE connections on this replica',
    registers: [registry],
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.url === SSE_STREAM_PATH) {
      clients.inc();
      reply.raw.once('close', () => clients.dec());
    }
    done();
  });
  return clients;
}
