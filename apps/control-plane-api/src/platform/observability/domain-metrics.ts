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

/**
 * The control plane's domain metrics: sessions and workers by status (queried at scrape time, so
 * every replica reports the same numbers — aggregate with max(), not sum(), across replicas) and the
 * SSE clients connected to this replica.
 */
export function registerDomainMetrics(registry: Registry, db: () => Db): void {
  statusGauge(registry, 'lcm_sessions', 'Lablet sessions by status', db, 'lablet_sessions');
  statusGauge(registry, 'lcm_workers', 'CML workers by status', db, 'cml_workers');
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
