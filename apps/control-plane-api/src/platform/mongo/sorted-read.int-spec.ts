import { MongoServerError } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '@lcm/testing';
import { toProblem } from '../http/problem-details';

const DOCUMENTS = 3000;

describe('a sorted read past its maxTimeMS on a real MongoDB-wire server', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    await testDb.db
      .collection<{ _id: number; rank: number }>('ranked')
      .insertMany(Array.from({ length: DOCUMENTS }, (_, i) => ({ _id: i, rank: (i * 7919) % DOCUMENTS })));
  });
  afterAll(() => testDb.drop());

  it('is stopped by the store with MaxTimeMSExpired, which the API answers as 503', async () => {
    const read = testDb.db.collection('ranked').find({}, { maxTimeMS: 1 }).sort({ rank: 1 }).toArray();
    const error: unknown = await read.then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(50);
    expect(toProblem(error)).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
    // The connection stays usable: the store answered instead of the socket timing out.
    await expect(testDb.db.collection('ranked').countDocuments()).resolves.toBe(DOCUMENTS);
  });
});
