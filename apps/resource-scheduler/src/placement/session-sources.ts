import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import {
  decodeEtcdValue,
  etcdPrefixes,
  type LabletSession,
  parseEtcdKey,
  type SessionStatusValue,
} from '@lcm/contracts';
import type { ControlPlane } from '@lcm/cpa-client';
import type { Logger } from '@lcm/observability';
import { EtcdPrefixSource, type KeySource, ListSource } from '@lcm/reconciler-runtime';
import type { FleetView } from './fleet-view';
import type { PendingPlacements } from './pending-placements';
import type { SessionSnapshots } from './session-snapshots';

const PAGE = 200;

/**
 * A session status key that says PENDING names its session, and its value is noted as the
 * session's snapshot; any other status (or a deleted key) makes what was noted unusable. A
 * malformed key is no work here.
 */
export function pendingSessionOf(
  etcdKey: string,
  raw: string | null,
  snapshots: SessionSnapshots,
): string | null {
  const parsed = parseEtcdKey(etcdKey);
  if (parsed?.kind !== 'sessionStatus') return null;
  const value = raw === null ? null : decodedStatus(raw);
  if (value?.status !== 'PENDING') {
    snapshots.forget(parsed.id);
    return null;
  }
  snapshots.note(parsed.id, value);
  return parsed.id;
}

function decodedStatus(raw: string): SessionStatusValue | null {
  try {
    return decodeEtcdValue('sessionStatus', raw);
  } catch {
    return null;
  }
}

/** Closest timeslot first, ASAP sessions (no timeslot) ahead of all (spec §7.1 step 1). */
export const byTimeslot = (a: LabletSession, b: LabletSession): number =>
  (a.timeslot_start ?? '').localeCompare(b.timeslot_start ?? '') || a.id.localeCompare(b.id);

/**
 * Every PENDING session through the internal API, in timeslot order, so the queue takes the
 * closest first; each listed session is noted as its snapshot.
 */
export function pendingSessionList(cpa: ControlPlane, snapshots: SessionSnapshots): ListSource {
  return new ListSource('pending-sessions', async () => {
    const sessions: LabletSession[] = [];
    let cursor: string | undefined;
    do {
      const page = await cpa.sessions.list({
        query: { status: ['PENDING'], limit: PAGE, ...(cursor ? { cursor } : {}) },
      });
      sessions.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    for (const session of sessions) snapshots.note(session.id, session);
    return sessions.sort(byTimeslot).map((session) => session.id);
  });
}

export function pendingSessionWatch(
  etcd: Etcd3,
  snapshots: SessionSnapshots,
  logger: Logger,
): EtcdPrefixSource {
  return new EtcdPrefixSource({
    name: 'session-status-keys',
    etcd,
    prefix: etcdPrefixes.sessions,
    keyOf: (etcdKey, raw) => pendingSessionOf(etcdKey, raw, snapshots),
    logger,
  });
}

/**
 * Watches the worker keys: capacity reports update the fleet view in place, status changes make
 * it list again, and either wakes the sessions nothing fitted so far (a worker came up or freed).
 */
export class FleetChangeSource implements KeySource {
  readonly name = 'worker-keys';
  private watcher?: Watcher;

  constructor(
    private readonly etcd: Etcd3,
    private readonly fleet: FleetView,
    private readonly pending: PendingPlacements,
    private readonly logger: Logger,
  ) {}

  async watch(enqueue: (key: string) => void): Promise<void> {
    const apply = (kv: IKeyValue, deleted: boolean) => {
      const change = this.fleet.applyKeyChange(kv.key.toString(), deleted ? null : kv.value.toString());
      if (change) for (const sessionId of this.pending.ids()) enqueue(sessionId);
    };
    this.watcher = await this.etcd.watch().prefix(etcdPrefixes.workers).create();
    this.watcher.on('put', (kv) => apply(kv, false));
    this.watcher.on('delete', (kv) => apply(kv, true));
    this.watcher.on('disconnected', () => this.fleet.invalidate());
    this.watcher.on('error', (error) =>
      this.logger.error({ source: this.name, err: error }, 'etcd watch failed'),
    );
  }

  async stop(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
  }
}
