import { type Collection, type Document, type Filter, MongoServerError } from 'mongodb';
import { type Logger } from '@lcm/observability';

/** Loggers that have said once that this store expires by sweep (one app's start-up, one line). */
const toldAboutSweeps = new WeakSet<Logger>();

/**
 * Expires documents whose `field` (a BSON date) is older than `ttlSeconds`. Uses a TTL index where
 * the server has them (MongoDB); FerretDB 1.x refuses the index option, so there a periodic sweep
 * deletes the same documents instead. Returns a function that stops the sweep.
 */
export async function expireDocuments<T extends Document>(
  collection: Collection<T>,
  field: string,
  ttlSeconds: number,
  logger: Logger,
  sweepEveryMs = 60_000,
): Promise<() => void> {
  try {
    await collection.createIndex({ [field]: 1 }, { name: `${field}_ttl`, expireAfterSeconds: ttlSeconds });
    return () => undefined;
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error;
    // Expected on FerretDB (docs/architecture.md), so info, not a warning, and said once: the
    // other collections that expire the same way are debug lines.
    const first = !toldAboutSweeps.has(logger);
    toldAboutSweeps.add(logger);
    logger[first ? 'info' : 'debug'](
      { collection: collection.collectionName, reason: error.message },
      'the store has no TTL indexes; expired documents are deleted by a periodic sweep instead',
    );
  }
  await collection.createIndex({ [field]: 1 }, { name: field });
  const sweep = async (): Promise<void> => {
    try {
      await collection.deleteMany({
        [field]: { $lt: new Date(Date.now() - ttlSeconds * 1000) },
      } as Filter<T>);
    } catch (error) {
      logger.error({ err: error, collection: collection.collectionName }, 'expiry sweep failed');
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep(), sweepEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
