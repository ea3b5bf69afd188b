/**
 * Cost of the control plane's store primitives as a collection grows (issue 7, "The store"):
 * for 100, 1,000 and 10,000 documents per collection, the time of one versioned read and one
 * versioned write, for each access pattern, against the MongoDB-wire server at STORE_URL.
 *
 *   STORE_URL=mongodb://127.0.0.1:27101 SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/store.bench.ts
 *
 * Patterns:
 * - `claim + replace{_id,version}`: today's VersionedCollection (claim document, then a replace
 *   filtered by id and version);
 * - `claim + replace{_id}`: the same claim, then a replace filtered by `_id` alone (the claim already
 *   makes the writer the only one for that version step);
 * - `replace{_id,version}`: the bare conditional replace (atomic on MongoDB 7, no claim);
 * - reads: `findOne{_id}` and `findOne{_id,version}`.
 * Documents are about 2 KB, like a session; each figure is the median of OPS sequential operations
 * on random documents.
 */
import { randomUUID } from 'node:crypto';
import { type Collection, type Document, MongoClient } from 'mongodb';

const STORE_URL = process.env['STORE_URL'] ?? 'mongodb://127.0.0.1:27017';
const SIZES = (process.env['STORE_SIZES'] ?? '100,1000,10000').split(',').map(Number);
const OPS = Number(process.env['STORE_OPS'] ?? 200);

interface Doc extends Document {
  _id: string;
  version: number;
  payload: string;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function timed(operation: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await operation();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function fill(collection: Collection<Doc>, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  for (let start = 0; start < count; start += 1000)
    await collection.insertMany(
      ids.slice(start, start + 1000).map((id) => ({ _id: id, version: 1, payload: 'x'.repeat(2000) })),
    );
  return ids;
}

async function main(): Promise<void> {
  const client = await new MongoClient(STORE_URL, { maxPoolSize: 4 }).connect();
  const db = client.db(`lcm_store_bench_${randomUUID().slice(0, 8)}`);
  const claims = db.collection<{ _id: string }>('claims');
  const rows: string[] = [];
  try {
    for (const size of SIZES) {
      const collection = db.collection<Doc>(`docs_${size}`);
      const ids = await fill(collection, size);
      const versions = new Map(ids.map((id) => [id, 1]));
      const pick = () => ids[Math.floor(Math.random() * ids.length)] as string;
      const measure = async (name: string, operation: (id: string) => Promise<unknown>) => {
        const samples: number[] = [];
        for (let index = 0; index < OPS; index += 1) {
          const id = pick();
          samples.push(await timed(() => operation(id)));
        }
        rows.push(`${size}\t${name}\t${median(samples).toFixed(2)} ms`);
      };
      const next = (id: string) => {
        const version = versions.get(id) as number;
        versions.set(id, version + 1);
        return { version, doc: { _id: id, version: version + 1, payload: 'y'.repeat(2000) } };
      };
      await measure('findOne{_id}', (id) => collection.findOne({ _id: id }));
      await measure('findOne{_id,version}', (id) =>
        collection.findOne({ _id: id, version: versions.get(id) as number }),
      );
      await measure('replace{_id,version}', async (id) => {
        const { version, doc } = next(id);
        const result = await collection.replaceOne({ _id: id, version }, doc);
        if (result.matchedCount !== 1) throw new Error('lost version');
      });
      await measure('claim + replace{_id,version}', async (id) => {
        const { version, doc } = next(id);
        await claims.insertOne({ _id: `${size}/${id}@${version}` });
        const result = await collection.replaceOne({ _id: id, version }, doc);
        if (result.matchedCount !== 1) throw new Error('lost version');
      });
      await measure('claim + replace{_id}', async (id) => {
        const { version, doc } = next(id);
        await claims.insertOne({ _id: `${size}/${id}@${version}` });
        const result = await collection.replaceOne({ _id: id }, doc);
        if (result.matchedCount !== 1) throw new Error('lost document');
      });
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
  console.log(`store ${STORE_URL}, median of ${OPS} ops\nsize\tpattern\tmedian`);
  console.log(rows.join('\n'));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
