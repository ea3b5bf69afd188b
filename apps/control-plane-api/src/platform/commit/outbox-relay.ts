import { type Collection, type Db, type Document } from 'mongodb';
import { type DomainEvent } from '@lcm/domain';
import { type Logger, withCorrelationId } from '@lcm/observability';
import { type ChangeEvent } from '../change-events/change-event-bus';
import {
  OUTBOX_FIELD,
  OUTBOX_PENDING_FIELD,
  type OutboxEntry,
  outboxFields,
  type OutboxLedger,
  receiptsOf,
} from '../mongo/outbox';
import { isVersionConflict } from '../mongo/unit-of-work';
import { VersionedCollection, type VersionedDocument } from '../mongo/versioned-collection';
import { type CommitRecorder } from './commit-recorder';

/** How a context redelivers the side effects of one of its collections besides the audit entries. */
export interface OutboxRecovery {
  collection: string;
  /** Writes the etcd keys of the state as committed now (fenced, so an older state never wins). */
  project?: (state: Record<string, unknown>) => Promise<void>;
  /** The SSE notifications of `events`, described with the state as committed now. */
  notify?: (events: readonly DomainEvent[], state: Record<string, unknown>) => ChangeEvent[];
}

/** Audit actor of an entry written outside any command (none should be). */
const UNKNOWN_ACTOR = 'control-plane';
/**
 * How often the relay looks for undelivered outbox entries. A pass reads only the documents whose
 * outbox is not empty (OUTBOX_PENDING_FIELD), so it costs little; it runs at start-up (where the
 * entries a crash left are) and then as often as a replica that died for good needs covering.
 */
export const OUTBOX_RELAY_INTERVAL_MS = 60_000;
/** An entry younger than this is left to the process that committed it, which is delivering it now. */
export const OUTBOX_GRACE_MS = 5_000;

/**
 * Delivers what committed writes left in their documents' outboxes and nobody delivered (the
 * process died right after the commit, or audit/etcd failed), then clears the delivered entries
 * in place (same version, under the version claim). Runs at start-up and every OUTBOX_RELAY_INTERVAL_MS on every
 * replica; delivery is idempotent (docs/decisions/outbox.md), so replicas racing on one entry
 * do no harm.
 */
export class OutboxRelay {
  private readonly recoveries = new Map<string, OutboxRecovery>();
  private timer?: NodeJS.Timeout;
  private current?: Promise<number>;
  private queued?: Promise<number>;

  constructor(
    private readonly db: Db,
    private readonly ledger: OutboxLedger,
    private readonly recorder: CommitRecorder,
    private readonly logger: Logger,
    collections: readonly string[],
  ) {
    for (const collection of collections) this.recoveries.set(collection, { collection });
  }

  register(recovery: OutboxRecovery): void {
    this.recoveries.set(recovery.collection, recovery);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.relayAll().catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay pass failed'));
    }, OUTBOX_RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * One pass over every collection that starts after this call; returns how many entries it
   * delivered. Passes never overlap: a call during a pass gets the next one (the running pass may
   * have read the documents before the caller's commit), and calls waiting for it share it.
   */
  relayAll(graceMs = OUTBOX_GRACE_MS): Promise<number> {
    if (this.queued) return this.queued;
    if (!this.current) return this.begin(graceMs);
    this.queued = this.current
      .catch(() => 0)
      .then(() => {
        this.queued = undefined;
        return this.begin(graceMs);
      });
    return this.queued;
  }

  private begin(graceMs: number): Promise<number> {
    const pass = this.pass(graceMs).finally(() => {
      if (this.current === pass) this.current = undefined;
    });
    this.current = pass;
    return pass;
  }

  private async pass(graceMs: number): Promise<number> {
    let delivered = 0;
    for (const recovery of this.recoveries.values())
      delivered += await this.relayCollection(recovery, graceMs);
    return delivered;
  }

  private async relayCollection(recovery: OutboxRecovery, graceMs: number): Promise<number> {
    const collection = this.db.collection<VersionedDocument>(recovery.collection);
    const documents = await collection.find({ [OUTBOX_PENDING_FIELD]: true }).toArray();
    let delivered = 0;
    const cutoff = Date.now() - graceMs;
    for (const document of documents) {
      const outbox = (document[OUTBOX_FIELD] as OutboxEntry[] | undefined) ?? [];
      const pending = await this.ledger.undelivered(recovery.collection, document._id, outbox);
      const due = pending.filter((entry) => new Date(entry.at).getTime() <= cutoff);
      for (const entry of due) {
        await this.deliver(recovery, document, entry);
        delivered += 1;
      }
      const remaining = await this.ledger.undelivered(recovery.collection, document._id, outbox);
      if (remaining.length < outbox.length) await this.clear(collection, document, remaining);
    }
    return delivered;
  }

  private async deliver(recovery: OutboxRecovery, document: Document, entry: OutboxEntry): Promise<void> {
    const { _id, [OUTBOX_FIELD]: _outbox, [OUTBOX_PENDING_FIELD]: _pending, ...rest } = document;
    const state = { id: _id as string, ...rest };
    await withCorrelationId(entry.correlation_id ?? undefined, () =>
      this.recorder.record({
        events: receiptsOf(recovery.collection, state.id, entry),
        actor: entry.actor ?? UNKNOWN_ACTOR,
        notifications: recovery.notify?.(entry.events, state) ?? [],
        project: recovery.project ? () => recovery.project!(state) : undefined,
      }),
    );
  }

  /**
   * Drops delivered entries without a new version, so readers holding the version (and their
   * next write) are not disturbed; a concurrent write wins (it carries forward only what is
   * undelivered).
   */
  private async clear(
    collection: Collection<VersionedDocument>,
    document: VersionedDocument,
    remaining: OutboxEntry[],
  ): Promise<void> {
    const { [OUTBOX_PENDING_FIELD]: _pending, ...state } = document;
    try {
      await new VersionedCollection(collection, this.db).rewriteInPlace(
        { ...state, ...outboxFields(remaining) } as VersionedDocument,
        document.version,
      );
    } catch (error) {
      if (!isVersionConflict(error)) throw error;
    }
  }
}
