import { type Db, type FindOptions } from 'mongodb';

/** The share of the client's socket timeout a sorted read may run on the server. */
const SERVER_SHARE_OF_SOCKET_TIMEOUT = 0.8;

/**
 * Find options for a read the store must sort. FerretDB sorts in memory and answers nothing until
 * it has read every matching document; when that outlasts the client's socket timeout the driver
 * drops the connection but PostgreSQL keeps running the query, and retries pile such queries up
 * until the store stops answering (docs/decisions/store.md). A `maxTimeMS` a little under the
 * socket timeout makes the store stop the query itself and answer MaxTimeMSExpired, which the API
 * answers as a 503, and keeps the connection. MongoDB 7 honours the same option.
 */
export function sortedReadOptions(db: Db): FindOptions {
  const socketTimeoutMs = db.client.options.socketTimeoutMS;
  if (!socketTimeoutMs) return {};
  return { maxTimeMS: Math.max(1, Math.floor(socketTimeoutMs * SERVER_SHARE_OF_SOCKET_TIMEOUT)) };
}
