import { type Collection, type Document, type IndexDescription } from 'mongodb';

/**
 * Creates the indexes a collection does not have yet. FerretDB drops the connection when
 * createIndexes repeats some existing indexes (compound ones, e.g. a unique pair or one with a
 * descending key), which made every start-up on an existing database fail.
 */
export async function createMissingIndexes<T extends Document>(
  collection: Collection<T>,
  wanted: IndexDescription[],
): Promise<void> {
  if (wanted.length === 0) return;
  const existing = new Set(
    (
      await collection
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).map((index) => String(index['name'])),
  );
  const missing = wanted.filter((index) => !index.name || !existing.has(index.name));
  if (missing.length > 0) await collection.createIndexes(missing);
}
