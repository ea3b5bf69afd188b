import { type Db, type FindOptions } from 'mongodb';

/** The share of the client's socket timeout a sorted read may run on the server. */
const SERVER_SHARE_OF_SOCKET_TIMEOUT = 0.8;

/** The find options of a sorted read of at most `limit` documents (0: no limit). */
export type SortedReadOptions = (limit: number) => FindOptions;

/**
 * Find options for reads the store must sort (docs/decisions/store.md):
 * - FerretDB sorts in memory and answers nothing until it has read every matching document; when
 *   that outlasts the client's socket timeout the driver drops the connection but PostgreSQL keeps
 *   running the query, and retries pile such queries up until the store stops answering. A
 *   `maxTimeMS` a little under the socket timeout makes the store stop the query itself and
 *   answer MaxTimeMSExpired (a 503 at the API), and keeps the connection.
 * - A bounded read (a page) asks for all of it in the first batch: FerretDB 1.x keeps a cursor on
 *   the connection that opened it, so a getMore the driver sends on another pooled connection
 *   after that one closed fails with CursorNotFound; one batch also saves the round trips.
 * MongoDB 7 honours both options the same way.
 */
export function sortedReadOptions(db: Db): SortedReadOptions {
  const socketTimeoutMs = db.client.options.socketTimeoutMS;
  const deadline = socketTimeoutMs
    ? { maxTimeMS: Math.max(1, Math.floor(socketTimeoutMs * SERVER_SHARE_OF_SOCKET_TIMEOUT)) }
    : {};
  return (limit) => (limit > 0 ? { ...deadline, batchSize: limit } : deadline);
}
