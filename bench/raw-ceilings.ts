/**
 * Raw ceilings of the store, measured in the same run as a benchmark so its figures can be read
 * against what the machine allows (used by bench/cpa.bench.ts and bench/placement.bench.ts).
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import {
  VersionedCollection,
  type VersionedDocument,
} from '../apps/control-plane-api/src/platform/mongo/versioned-collection';

/** Version-checked replaces (the control plane's write primitive) per second, `concurrency` documents in parallel. */
export async function rawVersionedUpdatesPerSecond(
  mongoUrl: string,
  seconds: number,
  concurrency: number,
): Promise<number> {
  const client = await new MongoClient(mongoUrl).connect();
  const db = client.db(`lcm_bench_raw_${randomUUID().slice(0, 8)}`);
  const counters = new VersionedCollection(
    db.collection<VersionedDocument & { value: number }>('counters'),
    db,
  );
  const ids = Array.from({ length: concurrency }, (_, i) => `counter-${i}`);
  await Promise.all(ids.map((id) => counters.insert({ _id: id, value: 0 })));
  let updates = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    ids.map(async (id) => {
      let current = { _id: id, value: 0, version: 1 };
      while (Date.now() < deadline) {
        current = await counters.replace({ ...current, value: current.value + 1 }, current.version);
        updates += 1;
      }
    }),
  );
  await db.dropDatabase();
  await client.close();
  return updates / seconds;
}
