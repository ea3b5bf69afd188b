import { Writable } from 'node:stream';
import { createLogger } from '@lcm/observability';
import { openTestDatabase, type TestDatabase } from '@lcm/testing';
import { expireDocuments } from './expiring-collection';

/** Log lines as the JSON objects pino writes. */
function capturedLogger() {
  const lines: { level: number; msg: string; collection?: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'debug' }, destination), lines };
}

const WARN = 40;
const INFO = 30;
const DEBUG = 20;

describe('expireDocuments against the store in use (FerretDB on PostgreSQL)', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await openTestDatabase();
  });
  afterAll(() => testDb.drop());

  it('deletes expired documents, and says once, at info, that the store expires them by sweep', async () => {
    const { logger, lines } = capturedLogger();
    const audit = testDb.db.collection<{ _id: string; at: Date }>('audit_sweep');
    const claims = testDb.db.collection<{ _id: string; at: Date }>('claims_sweep');
    await audit.insertMany([
      { _id: 'old', at: new Date(Date.now() - 7200_000) },
      { _id: 'new', at: new Date() },
    ]);
    const stops = [
      await expireDocuments(audit, 'at', 3600, logger),
      await expireDocuments(claims, 'at', 3600, logger),
    ];
    stops.forEach((stop) => stop());

    expect((await audit.find().toArray()).map((document) => document._id)).toEqual(['new']);
    expect(lines.filter((line) => line.level >= WARN)).toEqual([]);
    // FerretDB refuses TTL indexes (docs/architecture.md): one info line for both collections.
    const sweepLines = lines.filter((line) => line.msg.includes('periodic sweep'));
    expect(sweepLines.map((line) => [line.level, line.collection])).toEqual([
      [INFO, 'audit_sweep'],
      [DEBUG, 'claims_sweep'],
    ]);
  });
});
