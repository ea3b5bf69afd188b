import { openTestDatabase, type TestDatabase } from '@lcm/testing';
import {
  BULK_STATEMENTS,
  ConcurrencyConflictError,
  DuplicateDocumentError,
  VERSION_CLAIMS_COLLECTION,
  VersionedCollection,
  type VersionedDocument,
} from './versioned-collection';

interface Counter extends VersionedDocument {
  value: number;
}

describe('VersionedCollection against a real MongoDB-wire server', () => {
  let testDb: TestDatabase;
  let counters: VersionedCollection<Counter>;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    counters = new VersionedCollection(testDb.db.collection<Counter>('counters'), testDb.db);
  });
  afterAll(() => testDb.drop());

  it('stores new documents at version 1 and refuses a second document with the same id', async () => {
    const stored = await counters.insert({ _id: 'dup', value: 0 });
    expect(stored.version).toBe(1);
    await expect(counters.insert({ _id: 'dup', value: 1 })).rejects.toBeInstanceOf(DuplicateDocumentError);
  });

  it('lets exactly one of two writers who read the same version win; the other gets a conflict', async () => {
    await counters.insert({ _id: 'race', value: 0 });
    const readByA = (await counters.collection.findOne({ _id: 'race' }))!;
    const readByB = (await counters.collection.findOne({ _id: 'race' }))!;

    const savedByA = await counters.replace({ ...readByA, value: readByA.value + 1 }, readByA.version);
    await expect(
      counters.replace({ ...readByB, value: readByB.value + 10 }, readByB.version),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);

    expect(savedByA.version).toBe(2);
    expect(await counters.collection.findOne({ _id: 'race' })).toMatchObject({ value: 1, version: 2 });
  });

  it('lets a writer take over the claim of a writer that died between claiming and writing', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const clocked = new VersionedCollection(testDb.db.collection<Counter>('counters'), testDb.db, () => now);
    await clocked.insert({ _id: 'crashed', value: 0 });
    await testDb.db
      .collection(VERSION_CLAIMS_COLLECTION)
      .insertOne({ _id: 'counters/crashed@1' as never, claimed_at: now });

    await expect(clocked.replace({ _id: 'crashed', value: 1, version: 1 }, 1)).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
    now = new Date(now.getTime() + 11_000);
    await expect(clocked.replace({ _id: 'crashed', value: 1, version: 1 }, 1)).resolves.toMatchObject({
      version: 2,
    });
  });

  it('makes a writer wait for an in-place rewrite instead of answering a conflict it did not cause', async () => {
    await counters.insert({ _id: 'in-place', value: 0 });
    const claims = testDb.db.collection(VERSION_CLAIMS_COLLECTION);
    // An in-place rewrite (the outbox relay) holds the step from version 1 and gives it back shortly.
    await claims.insertOne({ _id: 'counters/in-place@1' as never, claimed_at: new Date(), in_place: true });
    const released = new Promise<void>((resolve) =>
      setTimeout(
        () => void claims.deleteOne({ _id: 'counters/in-place@1' as never }).then(() => resolve()),
        150,
      ),
    );

    await expect(counters.replace({ _id: 'in-place', value: 1, version: 1 }, 1)).resolves.toMatchObject({
      version: 2,
    });
    await released;
    // The rewrite finds the step taken by a versioned write and leaves the document to it.
    await expect(
      counters.rewriteInPlace({ _id: 'in-place', value: 0, version: 1 }, 1),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(await counters.collection.findOne({ _id: 'in-place' })).toMatchObject({ value: 1, version: 2 });
  });

  it('gives the step back when a unique index refuses a replace, so a corrected retry is not a conflict', async () => {
    const unique = new VersionedCollection(testDb.db.collection<Counter>('unique_counters'), testDb.db);
    await unique.collection.createIndex({ value: 1 }, { unique: true });
    await unique.insert({ _id: 'taken', value: 1 });
    await unique.insert({ _id: 'mine', value: 2 });

    await expect(unique.replace({ _id: 'mine', value: 1, version: 1 }, 1)).rejects.toBeInstanceOf(
      DuplicateDocumentError,
    );
    await expect(unique.replace({ _id: 'mine', value: 3, version: 1 }, 1)).resolves.toMatchObject({
      value: 3,
      version: 2,
    });
  });

  it('never loses an update when many writers race and retry on conflict', async () => {
    await counters.insert({ _id: 'contended', value: 0 });
    const writers = 25;
    let conflicts = 0;
    const increment = async (): Promise<void> => {
      for (;;) {
        const current = (await counters.collection.findOne({ _id: 'contended' }))!;
        try {
          await counters.replace({ ...current, value: current.value + 1 }, current.version);
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyConflictError)) throw error;
          conflicts += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, increment));
    expect(await counters.collection.findOne({ _id: 'contended' })).toMatchObject({
      value: writers,
      version: writers + 1,
    });
    expect(conflicts).toBeGreaterThan(0);
  });

  it('replaces many documents in bulk chunks, answering a lost race per document', async () => {
    const ids = Array.from({ length: BULK_STATEMENTS + 5 }, (_, index) => `bulk-${index}`);
    for (const id of ids) await counters.insert({ _id: id, value: 0 });
    // Another writer moves one of them on after it was read at version 1.
    await counters.replace({ _id: 'bulk-3', value: 100, version: 1 }, 1);

    const outcomes = await counters.replaceMany(
      ids.map((id) => ({ document: { _id: id, value: 1, version: 1 }, expectedVersion: 1 })),
    );

    expect(outcomes[3]).toBeInstanceOf(ConcurrencyConflictError);
    expect(outcomes.filter((outcome) => outcome instanceof ConcurrencyConflictError)).toHaveLength(1);
    const stored = await counters.collection.find({ _id: { $in: ids } }).toArray();
    for (const document of stored)
      expect(document).toMatchObject(
        document._id === 'bulk-3' ? { value: 100, version: 2 } : { value: 1, version: 2 },
      );
    expect(stored).toHaveLength(ids.length);
  });
});
