import { currentCorrelationId, type Logger } from '@lcm/observability';
import { type AuditLog } from '../audit/audit-log';
import { type ChangeEvent, type ChangeEventBus } from '../change-events/change-event-bus';
import { type OutboxLedger, type RecordedEvent } from '../mongo/outbox';

export interface CommittedChange {
  /** Domain events the committed writes raised (from their outboxes); each becomes an audit entry. */
  events: readonly RecordedEvent[];
  /** Who asked for the change (user name or controller name). */
  actor: string;
  /** SSE events describing the committed state, for every connected dashboard, published in this order. */
  notifications?: readonly ChangeEvent[];
  /**
   * More SSE events, as sequences independent of each other and of `notifications` (one per
   * aggregate of a batch): each sequence keeps its order, the sequences go out side by side, so a
   * commit of many aggregates waits for its longest sequence rather than for all its events one
   * after another (docs/bench/placement.md).
   */
  notificationStreams?: readonly (readonly ChangeEvent[])[];
  /** Writes the etcd keys derived from the committed state (decision 18). */
  project?: () => Promise<void>;
}

/** Resolves when `work` settles or after `ms`, whichever is first; `work` goes on either way. */
async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, budget]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Delivers what MongoDB committed: the etcd projection, SSE notifications, then the audit
 * entries. The events are already in the outboxes of the committed documents, so a failure or a
 * crash here loses nothing: the outbox relay delivers what has no audit entry yet, and the etcd
 * projection is also rebuilt from Mongo at start-up and on etcd reconnect (docs/decisions/outbox.md).
 * The audit entries are written last because they are the receipt that an outbox entry was
 * delivered. The etcd part is waited for at most `etcdWaitMs`, so a down or partitioned etcd
 * never holds a write (docs/architecture.md).
 */
export class CommitRecorder {
  constructor(
    private readonly audit: AuditLog,
    private readonly bus: ChangeEventBus,
    private readonly logger: Logger,
    private readonly etcdWaitMs: number,
    private readonly ledger: OutboxLedger,
  ) {}

  async record(change: CommittedChange): Promise<void> {
    const correlationId = currentCorrelationId() ?? null;
    const etcdWork = Promise.all([
      this.attempt('etcd projection', async () => change.project?.()),
      this.attempt('sse', () =>
        Promise.all(
          [change.notifications ?? [], ...(change.notificationStreams ?? [])].map(async (stream) => {
            for (const notification of stream) await this.bus.publish(notification);
          }),
        ),
      ),
    ]);
    await waitAtMost(etcdWork, this.etcdWaitMs);
    const audited = await this.attempt('audit', () =>
      this.audit.recordEvents(change.events, { actor: change.actor, correlationId }),
    );
    if (audited)
      this.ledger.markDelivered(
        new Set(change.events.flatMap((event) => (event.receipt ? [event.receipt.entry] : []))),
      );
  }

  /** True when `work` succeeded. */
  private async attempt(what: string, work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      this.logger.error({ err: error }, `after-commit ${what} failed; it is repaired from MongoDB`);
      return false;
    }
  }
}
