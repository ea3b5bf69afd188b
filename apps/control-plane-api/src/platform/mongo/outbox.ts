import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { type Db } from 'mongodb';
import { type DomainEvent } from '@lcm/domain';

/** Document field holding the events of committed writes not yet known to be delivered. */
export const OUTBOX_FIELD = 'outbox';
/**
 * Top-level flag present (true) exactly while the outbox is not empty, so the relay finds those
 * documents with an equality: FerretDB passes an equality on a top-level field to PostgreSQL and
 * reads only the matching rows, where `outbox.0: {$exists}` read the whole collection
 * (docs/decisions/store.md); MongoDB 7 serves it from a sparse index (OUTBOX_PENDING_INDEX).
 */
export const OUTBOX_PENDING_FIELD = 'outbox_pending';
export const OUTBOX_PENDING_INDEX = {
  key: { [OUTBOX_PENDING_FIELD]: 1 },
  name: 'outbox_pending',
  sparse: true,
};

/** The storage fields of an outbox holding `entries`: the entries and, while there are any, the flag. */
export function outboxFields(entries: readonly OutboxEntry[]): Record<string, unknown> {
  return entries.length > 0
    ? { [OUTBOX_FIELD]: entries, [OUTBOX_PENDING_FIELD]: true }
    : { [OUTBOX_FIELD]: entries };
}

/**
 * The events one version-checked write committed, stored in that same write (docs/decisions/outbox.md).
 * `version` is the version the write produced, so `<collection>/<id>@<version>` names it uniquely.
 */
export interface OutboxEntry {
  version: number;
  at: string;
  actor: string | null;
  correlation_id: string | null;
  events: DomainEvent[];
}

/** Where an event sits in an outbox: its audit entry's id is derived from it, so redelivery is idempotent. */
export interface EventReceipt {
  entry: string;
  index: number;
  at: number;
}

/** A committed event as a save returns it: with the receipt its audit entry is stored under. */
export type RecordedEvent = DomainEvent & { readonly receipt?: EventReceipt };

export const entryKey = (collection: string, id: string, version: number): string =>
  `${collection}/${id}@${version}`;

/**
 * The audit entry id of the `index`-th event of an outbox entry: UUID version 7 layout with the
 * commit's millisecond time and the event index in the counter bits, so entries keep commit order
 * in listings (time-ordered-id.ts) and the same event always gets the same id.
 */
export function receiptId(receipt: EventReceipt): string {
  const bytes = createHash('sha256').update(receipt.entry).digest().subarray(0, 16);
  bytes.writeUIntBE(receipt.at, 0, 6);
  bytes[6] = 0x70 | ((receipt.index >> 8) & 0x0f);
  bytes[7] = receipt.index & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function receiptsOf(collection: string, id: string, entry: OutboxEntry): RecordedEvent[] {
  const key = entryKey(collection, id, entry.version);
  const at = new Date(entry.at).getTime();
  return entry.events.map((event, index) => ({ ...event, receipt: { entry: key, index, at } }));
}

const commandActor = new AsyncLocalStorage<string>();

/** Runs `work` with `actor` as the author stored in the outbox entries its writes create. */
export const withCommandActor = <T>(actor: string, work: () => T): T => commandActor.run(actor, work);
export const currentCommandActor = (): string | null => commandActor.getStore() ?? null;

const BOUND = 20_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > BOUND) map.delete(map.keys().next().value as K);
}

/**
 * What this process knows about outboxes, so the common path costs no extra round trip: the
 * fields each document stored beside its state (outbox, sidecar) at the version it was read at (the
 * state at a version never changes; the relay may only remove delivered outbox entries in place,
 * and a save drops delivered entries anyway), and which entries it delivered itself.
 * Bounded; a miss costs one read.
 */
export class OutboxLedger {
  private static readonly ledgers = new WeakMap<Db, OutboxLedger>();
  private readonly loaded = new Map<string, Record<string, unknown>>();
  private readonly delivered = new Set<string>();
  /** Which of these first-event receipts have their audit entry stored (their entry keys); installed by the audit log. */
  private receipts: (firsts: EventReceipt[]) => Promise<Set<string>> = () => Promise.resolve(new Set());

  static of(db: Db): OutboxLedger {
    let ledger = OutboxLedger.ledgers.get(db);
    if (!ledger) {
      ledger = new OutboxLedger();
      OutboxLedger.ledgers.set(db, ledger);
    }
    return ledger;
  }

  useReceipts(receipts: (firsts: EventReceipt[]) => Promise<Set<string>>): void {
    this.receipts = receipts;
  }

  /** `fields`: what the document stored beside its state at that version (outbox, sidecar). */
  noteLoaded(key: string, fields: Record<string, unknown>): void {
    remember(this.loaded, key, fields);
  }

  loadedAt(key: string): Record<string, unknown> | undefined {
    return this.loaded.get(key);
  }

  markDelivered(keys: Iterable<string>): void {
    for (const key of keys) {
      this.delivered.add(key);
      if (this.delivered.size > BOUND) this.delivered.delete(this.delivered.values().next().value as string);
    }
  }

  /** The entries of `outbox` not yet delivered: known ones are dropped, unknown ones checked by receipt. */
  async undelivered(collection: string, id: string, outbox: OutboxEntry[]): Promise<OutboxEntry[]> {
    const unknown = outbox.filter((entry) => !this.delivered.has(entryKey(collection, id, entry.version)));
    if (unknown.length === 0) return [];
    const stored = await this.receipts(
      unknown.map((entry) => ({
        entry: entryKey(collection, id, entry.version),
        index: 0,
        at: new Date(entry.at).getTime(),
      })),
    );
    this.markDelivered(stored);
    return unknown.filter((entry) => !stored.has(entryKey(collection, id, entry.version)));
  }
}
