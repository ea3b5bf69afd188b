import { randomUUID } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { infraEndpoints } from './endpoints';

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  drop(): Promise<void>;
}

/** A database of its own for one test file, so files never see each other's documents. */
export async function openTestDatabase(prefix = 'lcm_test'): Promise<TestDatabase> {
  const client = new MongoClient(infraEndpoints().mongoUrl, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(`${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  return {
    client,
    db,
    async drop() {
      await db.dropDatabase();
      await client.close();
    },
  };
}
