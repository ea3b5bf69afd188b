import {
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
  type Filter,
  MongoBulkWriteError,
  MongoServerError,
  type OptionalUnlessRequiredId,
} from 'mongodb';

export interface VersionedDocument extends Document {
  _id: string;
  version: number;
}

export class ConcurrencyConflictError extends Error {
  readonly code = 'VERSION_CONFLICT';
  constructor(
    readonly collection: string,
    readonly id: string,
    readonly expectedVersion: number,
  ) {
    super(`${collection}/${id} was changed by someone else (expected version ${expectedVersion})`);
  }
}

export class DuplicateDocumentError extends Error {
  readonly code = 'DUPLICATE';
  constructor(
    readonly collection: string,
    readonly detail: string,
  ) {
    super(`${collection}: ${detail}`);
  }
}

/** No document with that id: the persistence layer's "not found", which the HTTP edge answers with 404. */
export class DocumentNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

interface VersionClaim {
  _id: string;
  claimed_at: Date;
  /** Held by `rewriteInPlace`, which gives the step back within a round trip or two. */
  in_place?: true;
}

export const VERSION_CLAIMS_COLLECTION = 'version_claims';
const DUPLICATE_KEY = 11000;
/** A claim older than this whose document never moved on belongs to a writer that died mid-write. */
const ABANDONED_CLAIM_MS = 10_000;
/**
 * How long a versioned write waits for an in-place rewrite (the outbox relay removing delivered
 * entries) to give its claim back before answering a conflict: that rewrite changes no state, so
 * a caller who read the document just before must not be told someone else changed it.
 */
const IN_PLACE_WAIT_MS = 20;
const IN_PLACE_WAITS = 50;
/**
 * Statements per bulk command. FerretDB runs each statement of a command on a pooled PostgreSQL
 * connection and was seen to deadlock on one command carrying as many as its pool holds
 * (issue 7, docs/decisions/store.md); this stays far below any pool it is started with.
 */
export const BULK_STATEMENTS = 25;

/** One document of a bulk replace: as read at `expectedVersion`. */
export interface VersionedReplace<T> {
  document: T;
  expectedVersion: number;
}

const chunksOf = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );

/**
 * Optimistic concurrency on a collection: a document is only replaced when its stored version is
 * the one the writer read, and every write bumps the version; the loser of a race gets
 * ConcurrencyConflictError and must re-read.
 *
 * A version-filtered replaceOne alone is not enough: FerretDB (our MongoDB-wire server for tests
 * and local runs) evaluates the filter and the write as two steps, so concurrent writers of the
 * same version can all "match". Each write therefore first claims the step from its version to the
 * next by inserting a document with a unique _id — an insert of a duplicate _id is refused
 * atomically by every MongoDB-wire server — and only the claimant writes. Only single-document
 * operations are used, so this behaves the same on MongoDB 7 and on FerretDB.
 */
export class VersionedCollection<T extends VersionedDocument> {
  private readonly claims: Collection<VersionClaim>;

  constructor(
    readonly collection: Collection<T>,
    db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.claims = db.collection<VersionClaim>(VERSION_CLAIMS_COLLECTION);
  }

  /** Stores a new document at version 1. */
  async insert(document: Omit<T, 'version'>): Promise<T> {
    const stored = { ...document, version: 1 } as T;
    try {
      await this.collection.insertOne(stored as OptionalUnlessRequiredId<T>);
    } catch (error) {
      throw this.translate(error);
    }
    return stored;
  }

  /** Replaces the document read at `expectedVersion`; returns it at the next version. */
  async replace(document: T, expectedVersion: number): Promise<T> {
    await this.claim(document._id, expectedVersion);
    const next = { ...document, version: expectedVersion + 1 };
    let matched: number;
    try {
      const result = await this.collection.replaceOne(
        { _id: document._id, version: expectedVersion } as Filter<T>,
        next,
      );
      matched = result.matchedCount;
    } catch (error) {
      // A unique index refused the write, so nothing was written: give the step back, or every
      // corrected retry would be a conflict until the claim counts as abandoned.
      if (isDuplicateKey(error))
        await this.claims.deleteOne({
          _id: `${this.collection.collectionName}/${document._id}@${expectedVersion}`,
        });
      throw this.translate(error);
    }
    if (matched !== 1) throw this.conflict(document._id, expectedVersion);
    return next;
  }

  /**
   * `replace` for many documents in a few round trips: the claims of all of them in one insert,
   * then the replaces of the claimed ones in one bulk write (both in chunks of BULK_STATEMENTS).
   * Answers per document, in the order given: the document at its next version, or the
   * ConcurrencyConflictError of a lost race. A claim already taken is settled like `replace`
   * settles it (it may be abandoned), so the outcome of each document is what `replace` gives.
   */
  async replaceMany(replaces: readonly VersionedReplace<T>[]): Promise<(T | ConcurrencyConflictError)[]> {
    const claimed = await this.claimMany(replaces);
    const outcomes = await Promise.all(
      replaces.map(async ({ document, expectedVersion }, index) => {
        if (claimed[index]) return { ...document, version: expectedVersion + 1 };
        return this.replace(document, expectedVersion).catch((error: unknown) => {
          if (error instanceof ConcurrencyConflictError) return error;
          throw error;
        });
      }),
    );
    const written = replaces.filter((_, index) => claimed[index]);
    for (const chunk of chunksOf(written, BULK_STATEMENTS)) {
      const operations = chunk.map(({ document, expectedVersion }): AnyBulkWriteOperation<T> => ({
        replaceOne: {
          filter: { _id: document._id, version: expectedVersion } as Filter<T>,
          replacement: { ...document, version: expectedVersion + 1 },
        },
      }));
      let matched: number;
      try {
        matched = (await this.collection.bulkWrite(operations, { ordered: false })).matchedCount;
      } catch (error) {
        throw this.translate(error);
      }
      // A claimant's write always matches; a document gone meanwhile (deleted) is the only exception.
      if (matched !== chunk.length) await this.markUnmatched(chunk, replaces, outcomes);
    }
    return outcomes;
  }

  /** Whether each claim was taken by this call; a duplicate means another writer has (or had) it. */
  private async claimMany(replaces: readonly VersionedReplace<T>[]): Promise<boolean[]> {
    const claimed = replaces.map(() => true);
    const now = this.now();
    for (const [chunkIndex, chunk] of chunksOf(replaces, BULK_STATEMENTS).entries()) {
      try {
        await this.claims.insertMany(
          chunk.map(({ document, expectedVersion }) => ({
            _id: `${this.collection.collectionName}/${document._id}@${expectedVersion}`,
            claimed_at: now,
          })),
          { ordered: false },
        );
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError)) throw error;
        const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        if (!failures.every((failure) => failure.code === DUPLICATE_KEY)) throw error;
        for (const failure of failures) claimed[chunkIndex * BULK_STATEMENTS + failure.index] = false;
      }
    }
    return claimed;
  }

  /** Finds which writes of a chunk did not match (their document is not at the version written) and answers them with a conflict. */
  private async markUnmatched(
    chunk: readonly VersionedReplace<T>[],
    replaces: readonly VersionedReplace<T>[],
    outcomes: (T | ConcurrencyConflictError)[],
  ): Promise<void> {
    await Promise.all(
      chunk.map(async (replace) => {
        const { _id } = replace.document;
        const landed = await this.collection.countDocuments({
          _id,
          version: replace.expectedVersion + 1,
        } as Filter<T>);
        if (landed !== 1) outcomes[replaces.indexOf(replace)] = this.conflict(_id, replace.expectedVersion);
      }),
    );
  }

  /**
   * Rewrites the document at `version` without moving it to the next version (storage-only
   * changes: removing delivered outbox entries). It holds the claim of that version's next step
   * meanwhile, so no versioned write can interleave, then gives it back. A conflict means a writer
   * holds or has used that step: the caller leaves the document to it. Only for changes that
   * leave the state as it was read at `version`.
   */
  async rewriteInPlace(document: T, version: number): Promise<void> {
    const claimId = `${this.collection.collectionName}/${document._id}@${version}`;
    await this.claim(document._id, version, { inPlace: true });
    try {
      await this.collection.replaceOne({ _id: document._id, version } as Filter<T>, { ...document, version });
    } finally {
      await this.claims.deleteOne({ _id: claimId });
    }
  }

  private async claim(id: string, expectedVersion: number, { inPlace = false } = {}): Promise<void> {
    const claimId = `${this.collection.collectionName}/${id}@${expectedVersion}`;
    let waits = 0;
    for (let attempt = 0; attempt < 2;) {
      try {
        await this.claims.insertOne({
          _id: claimId,
          claimed_at: this.now(),
          ...(inPlace ? { in_place: true as const } : {}),
        });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const existing = await this.claims.findOne({ _id: claimId });
      if (!inPlace && (existing === null || existing.in_place) && waits < IN_PLACE_WAITS) {
        waits += 1;
        if (existing) await new Promise((resolve) => setTimeout(resolve, IN_PLACE_WAIT_MS));
        continue;
      }
      if (!existing || !(await this.releaseAbandonedClaim(id, existing, expectedVersion))) break;
      attempt += 1;
    }
    throw this.conflict(id, expectedVersion);
  }

  /** True when the claim was left by a writer that died before writing, and has been removed. */
  private async releaseAbandonedClaim(
    id: string,
    existing: VersionClaim,
    expectedVersion: number,
  ): Promise<boolean> {
    if (this.now().getTime() - existing.claimed_at.getTime() < ABANDONED_CLAIM_MS) return false;
    const stillAtVersion = await this.collection.countDocuments({
      _id: id,
      version: expectedVersion,
    } as Filter<T>);
    if (stillAtVersion !== 1) return false;
    await this.claims.deleteOne({ _id: existing._id, claimed_at: existing.claimed_at });
    return true;
  }

  private conflict(id: string, expectedVersion: number): ConcurrencyConflictError {
    return new ConcurrencyConflictError(this.collection.collectionName, id, expectedVersion);
  }

  private translate(error: unknown): unknown {
    return isDuplicateKey(error)
      ? new DuplicateDocumentError(this.collection.collectionName, (error as Error).message)
      : error;
  }
}

/**
 * A unique index refused the write. MongoDB answers 11000; FerretDB 1.24 on PostgreSQL does so for
 * inserts, but an update that breaks a unique index comes back as InternalError (code 1) carrying
 * PostgreSQL's unique-violation state (a 500 before: found by fuzz:api on a lab record's status).
 */
export function isDuplicateKey(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    (error.code === DUPLICATE_KEY || (error.code === 1 && error.message.includes('SQLSTATE 23505')))
  );
}
