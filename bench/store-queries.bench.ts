/**
 * Which queries a MongoDB-wire server answers from the matching documents only and which read the
 * whole collection (docs/decisions/store.md, "Access patterns at fleet size"): the queries of the
 * control plane's periodic passes and of the schedule path, against STORE_DOCUMENTS documents of
 * about 1.2 KB in a database of its own (dropped afterwards).
 *
 *   STORE_URL=mongodb://127.0.0.1:27017 SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/store-queries.bench.ts
 *
 * Prints the mean milliseconds of STORE_REPEATS calls and how many documents each returned.
 */
import { randomUUID } from 'node:crypto';
import { type Filter, MongoClient } from 'mongodb';

interface ProbeDocument {
  _id: string;
  [field: string]: unknown;
}

const STORE_URL = process.env['STORE_URL'] ?? 'mongodb://127.0.0.1:27017';
const DOCUMENTS = Number(process.env['STORE_DOCUMENTS'] ?? 10_000);
const REPEATS = Number(process.env['STORE_REPEATS'] ?? 3);
const STATUSES = ['PENDING', 'SCHEDULED', 'RUNNING', 'TERMINATED'];
/** One document in this many has a pending outbox entry. */
const OUTBOX_EVERY = 1000;

const QUERIES: [string, Filter<ProbeDocument>][] = [
  ['{outbox_pending: true}', { outbox_pending: true }],
  ["{'outbox.0': {$exists: true}}", { 'outbox.0': { $exists: true } }],
  ['{worker_id: w}', { worker_id: 'w1' }],
  ['{worker_id: w, status: {$nin: [TERMINATED]}}', { worker_id: 'w1', status: { $nin: ['TERMINATED'] } }],
  [
    '{worker_id: {$ne: null}, status: {$nin: [TERMINATED]}}',
    { worker_id: { $ne: null }, status: { $nin: ['TERMINATED'] } },
  ],
  ['{status: SCHEDULED}', { status: 'SCHEDULED' }],
  ['{}', {}],
  ['{_id: {$in: [two ids]}}', { _id: { $in: ['id-1', 'id-2'] } }],
  ['{_id: id}', { _id: 'id-5' }],
];

async function main(): Promise<void> {
  const client = await new MongoClient(STORE_URL).connect();
  const db = client.db(`lcm_store_queries_${randomUUID().slice(0, 8)}`);
  const sessions = db.collection<ProbeDocument>('lablet_sessions');
  const payload = 'x'.repeat(1200);
  try {
    for (let start = 0; start < DOCUMENTS; start += 1000)
      await sessions.insertMany(
        Array.from({ length: Math.min(1000, DOCUMENTS - start) }, (_, offset) => {
          const index = start + offset;
          const pending = index % OUTBOX_EVERY === 0;
          return {
            _id: `id-${index}`,
            status: STATUSES[index % STATUSES.length],
            worker_id: `w${index % 100}`,
            version: 1,
            payload,
            outbox: pending ? [{ version: 1, events: [] }] : [],
            ...(pending ? { outbox_pending: true } : {}),
          };
        }),
      );
    console.log(`${DOCUMENTS} documents at ${STORE_URL}`);
    for (const [name, filter] of QUERIES) {
      const started = Date.now();
      let returned = 0;
      for (let repeat = 0; repeat < REPEATS; repeat += 1)
        returned = (await sessions.find(filter).toArray()).length;
      console.log(
        `${name.padEnd(58)} ${`${((Date.now() - started) / REPEATS).toFixed(0)} ms`.padEnd(10)} ${returned} returned`,
      );
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
