import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import { type AuditEntry } from '@lcm/contracts';
import { type Logger } from '@lcm/observability';
import { expireDocuments } from '../mongo/expiring-collection';
import { createMissingIndexes } from '../mongo/missing-indexes';
import { type EventReceipt, type RecordedEvent, receiptId } from '../mongo/outbox';
import { timeOrderedUuid } from '../mongo/time-ordered-id';

export const AUDIT_COLLECTION = 'audit_log';

/** Stored form: `at` is a BSON date so the TTL index can expire it (decision 15). */
const DUPLICATE_KEY = 11000;

const onlyDuplicates = (error: MongoBulkWriteError): boolean => {
  const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return failures.length > 0 && failures.every((failure) => failure.code === DUPLICATE_KEY);
};

export type AuditDocument = Omit<AuditEntry, 'id' | 'at'> & { _id: string; at: Date };

export interface AuditContext {
  actor: string;
  correlationId: string | null;
}

function statusChange(payload: object): {
  before: string | null;
  after: string | null;
  reason: string | null;
} {
  const { from, to, reason } = payload as { from?: unknown; to?: unknown; reason?: unknown };
  return {
    before: typeof from === 'string' ? from : null,
    after: typeof to === 'string' ? to : null,
    reason: typeof reason === 'string' ? reason : null,
  };
}

/** Append-only record of every state change and operator action; nothing here updates or deletes. */
export class AuditLog {
  readonly collection: Collection<AuditDocument>;

  constructor(
    db: Db,
    private readonly retentionDays: number,
  ) {
    this.collection = db.collection<AuditDocument>(AUDIT_COLLECTION);
  }

  /** Indexes plus retention (decision 15); returns the function that stops a retention sweep. */
  async ensureIndexes(logger: Logger): Promise<() => void> {
    await createMissingIndexes(this.collection, [
      { key: { target_type: 1, target_id: 1, at: -1 }, name: 'target' },
      { key: { actor: 1, at: -1 }, name: 'actor' },
      { key: { correlation_id: 1 }, name: 'correlation' },
    ]);
    return expireDocuments(this.collection, 'at', this.retentionDays * 24 * 3600, logger);
  }

  /**
   * One entry per domain event, all attributed to the actor of the command that raised them. An
   * event from an outbox is stored under the id its receipt names, so delivering it again (the
   * outbox relay after a crash) adds nothing (docs/decisions/outbox.md).
   */
  async recordEvents(events: readonly RecordedEvent[], context: AuditContext): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.collection.insertMany(this.entries(events, context), { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || !onlyDuplicates(error)) throw error;
    }
  }

  /**
   * The entry keys of these first-event receipts whose audit entry is stored. One `_id` lookup
   * each: FerretDB scans the whole collection for `_id: {$in}` (docs/decisions/store.md).
   */
  async storedReceipts(firsts: readonly EventReceipt[]): Promise<Set<string>> {
    const found = await Promise.all(
      firsts.map(async (receipt) =>
        (await this.collection.findOne({ _id: receiptId(receipt) }, { projection: { _id: 1 } }))
          ? receipt.entry
          : null,
      ),
    );
    return new Set(found.filter((entry): entry is string => entry !== null));
  }

  private entries(events: readonly RecordedEvent[], context: AuditContext): AuditDocument[] {
    return events.map((event: RecordedEvent) => {
      const change = statusChange(event.payload);
      return {
        // Ids follow write order, so entries of one commit (same time) keep their order in listings.
        _id: event.receipt ? receiptId(event.receipt) : timeOrderedUuid(),
        at: new Date(event.occurred_at),
        actor: context.actor,
        action: event.type,
        target_type: event.aggregate_type,
        target_id: event.aggregate_id,
        before_status: change.before,
        after_status: change.after,
        correlation_id: context.correlationId,
        reason: change.reason,
      };
    });
  }

  static toEntry(document: AuditDocument): AuditEntry {
    const { _id, at, ...rest } = document;
    return { id: _id, at: at.toISOString(), ...rest };
  }
}
