import { type FastifyInstance } from 'fastify';
import { type Db } from 'mongodb';
import { Gauge, type Registry } from 'prom-client';
import { SSE_STREAM_PATH } from '@lcm/contracts';

/** Counts of documents per `status`, read from MongoDB (the source of truth) when Prometheus scrapes. */
async function countByStatus(db: Db, collection: string): Promise<Map<string, number>> {
  const rows = await db
    .collection(collection)
    .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }])
    .toArray();
  return new Map(rows.map((row) => [String(row._id), row.count]));
}

function statusGauge(
  registry: Registry,
  name: string,
  help: string,
  db: () => Db,
  collection: string,
): Gauge<'status'> {
  return new Gauge({
    name,
    help,
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await countByStatus(db(), collection);
      this.reset();
      for (const [status, count] of counts) this.set({ status }, count);
    },
  });
}

/** Session statuses before the candidate can use the lab (spec's session state machine). */
const NOT_YET_READY = ['PENDING', 'SCHEDULED', 'INSTANTIATING'];
const CAPACITY_FIELDS = ['cpu_cores', 'memory_gb', 'storage_gb', 'max_nodes'] as const;

/**
 * The control plane's domain metrics, queried from MongoDB at scrape time — so every replica reports
 * the same numbers: aggregate with max(), not sum(), across replicas. Sessions and workers by
 * status; sessions whose timeslot has started but that are not READY yet (the "stuck past their
 * lead time" alert); the fleet's declared and allocated capacity (the "capacity exhausted" alert).
 */
export function registerDomainMetrics(registry: Registry, db: () => Db): void {
  statusGauge(registry, 'lcm_sessions', 'Lablet sessions by status', db, 'lablet_sessions');
  statusGauge(registry, 'lcm_workers', 'CML workers by status', db, 'cml_workers');
  new Gauge({
    name: 'lcm_sessions_past_start_not_ready',
    help: 'Sessions whose timeslot has started but that are still PENDING, SCHEDULED or INSTANTIATING',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await db()
        .collection('lablet_sessions')
        .aggregate<{ _id: string; count: number }>([
          {
            $match: {
              status: { $in: NOT_YET_READY },
              timeslot_start: { $ne: null, $lte: new Date().toISOString() },
            },
          },
          { $group: { _id: '$status', count: { $sum: 1 } } },
        ])
        .toArray();
      this.reset();
      for (const status of NOT_YET_READY)
        this.set({ status }, rows.find((row) => row._id === status)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'lcm_fleet_capacity',
    help: 'Capacity of the workers that are not TERMINATED: declared by their templates, allocated to sessions',
    labelNames: ['kind', 'resource'],
    registers: [registry],
    async collect() {
      const workers = await db()
        .collection('cml_workers')
        .find(
          { status: { $ne: 'TERMINATED' } },
          { projection: { declared_capacity: 1, allocated_capacity: 1 } },
        )
        .toArray();
      this.reset();
      for (const kind of ['declared', 'allocated'] as const)
        for (const resource of CAPACITY_FIELDS)
          this.set(
            { kind, resource },
            workers.reduce((sum, worker) => sum + Number(worker[`${kind}_capacity`]?.[resource] ?? 0), 0),
          );
    },
  });
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
