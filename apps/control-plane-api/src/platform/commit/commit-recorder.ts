import { type DomainEvent } from '@lcm/domain';
import { currentCorrelationId, type Logger } from '@lcm/observability';
import { type AuditLog } from '../../modules/audit/audit-log';
import { type ChangeEvent, type ChangeEventBus } from '../../modules/live-updates/change-event-bus';

export interface CommittedChange {
  /** Domain events the committed writes raised; each becomes an audit entry. */
  events: readonly DomainEvent[];
  /** Who asked for the change (user name or controller name). */
  actor: string;
  /** SSE events describing the committed state, for every connected dashboard. */
  notifications?: readonly ChangeEvent[];
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
 * What happens after MongoDB committed a change: audit entries, the etcd projection and SSE
 * notifications. Mongo is the source of truth, so a failure here is logged and never undoes or
 * fails the change: the projection is rebuilt from Mongo at start-up and on etcd reconnect, and
 * dashboards resynchronise from a snapshot when they reconnect. The etcd part is waited for at
 * most `etcdWaitMs`, so a down or partitioned etcd never holds a write (docs/architecture.md).
 */
export class CommitRecorder {
  constructor(
    private readonly audit: AuditLog,
    private readonly bus: ChangeEventBus,
    private readonly logger: Logger,
    private readonly etcdWaitMs: number,
  ) {}

  async record(change: CommittedChange): Promise<void> {
    const correlationId = currentCorrelationId() ?? null;
    const etcdWork = Promise.all([
      this.attempt('etcd projection', async () => change.project?.()),
      this.attempt('sse', async () => {
        for (const notification of change.notifications ?? []) await this.bus.publish(notification);
      }),
    ]);
    await Promise.all([
      this.attempt('audit', () =>
        this.audit.recordEvents(change.events, { actor: change.actor, correlationId }),
      ),
      waitAtMost(etcdWork, this.etcdWaitMs),
    ]);
  }

  private async attempt(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ err: error }, `after-commit ${what} failed; it is repaired from MongoDB`);
    }
  }
}
