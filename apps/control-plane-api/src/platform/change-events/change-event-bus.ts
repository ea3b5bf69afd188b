import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Etcd3, type IKeyValue, type Lease, type Watcher } from 'etcd3';
import { z } from 'zod';

export const CHANGE_EVENTS_PREFIX = '/lcm/events/';

/** A committed change, as every CPA process's SSE clients receive it. */
export const ChangeEvent = z.object({
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/** A change event with its position: the etcd revision that stored it, ordered across all processes. */
export interface SequencedChangeEvent {
  id: number;
  event: ChangeEvent;
}

function sequenced(kv: IKeyValue): SequencedChangeEvent | null {
  const parsed = ChangeEvent.safeParse(JSON.parse(kv.value.toString()));
  return parsed.success ? { id: Number(kv.mod_revision), event: parsed.data } : null;
}

/**
 * Fans committed change events out to every control-plane process through etcd: each event is a
 * short-lived key under /lcm/events/, so the revision etcd gives it is a global, gap-free order
 * (the SSE event id), and a reconnecting client can replay what it missed while the keys live.
 * Keys share one lease per time bucket that is never kept alive, so they expire on their own
 * after the replay window without per-key bookkeeping.
 */
export class ChangeEventBus {
  private readonly local = new EventEmitter();
  private watcher?: Watcher;
  private bucket?: { startsAt: number; lease: Lease };

  constructor(
    private readonly etcd: Etcd3,
    private readonly replayWindowSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.local.setMaxListeners(0);
  }

  /**
   * Follows every process's events from now on. With etcd answering it resolves once the watch
   * runs, so no event committed after the start is missed; else after `connectWaitMs`, and the
   * client connects the watch (and reconnects it) by itself when etcd answers. `create()` alone
   * resolves only when etcd answers, so a control plane started while etcd was unreachable never
   * listened (start-up never waits on etcd, decision 18; etcd-startup.int-spec.ts).
   */
  async start(connectWaitMs: number): Promise<void> {
    const watcher = this.etcd.watch().prefix(CHANGE_EVENTS_PREFIX).watcher();
    this.watcher = watcher;
    watcher.on('put', (kv) => {
      const event = sequenced(kv);
      if (event) this.local.emit('event', event);
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => watcher.once('connected', resolve)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, connectWaitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.watcher?.cancel();
    this.local.removeAllListeners();
  }

  async publish(event: ChangeEvent): Promise<void> {
    const key = `${CHANGE_EVENTS_PREFIX}${event.at}-${randomUUID()}`;
    const lease = this.currentLease();
    try {
      await lease.put(key).value(JSON.stringify(ChangeEvent.parse(event)));
    } catch (error) {
      // A lease whose grant failed (etcd was away) stays failed: take a new one next time, so
      // events flow again as soon as etcd is back rather than when the time bucket ends.
      if (this.bucket?.lease === lease) this.bucket = undefined;
      throw error;
    }
  }

  /** Live events from every process, in revision order. Returns the unsubscribe function. */
  subscribe(listener: (event: SequencedChangeEvent) => void): () => void {
    this.local.on('event', listener);
    return () => this.local.off('event', listener);
  }

  /**
   * Events after `lastId` that are still within the replay window, oldest first, and whether the
   * replay is complete (the event `lastId` itself is still stored, so nothing between was lost).
   */
  async replaySince(lastId: number): Promise<{ events: SequencedChangeEvent[]; complete: boolean }> {
    const response = await this.etcd.getAll().prefix(CHANGE_EVENTS_PREFIX).exec();
    const stored = response.kvs.map(sequenced).filter((e): e is SequencedChangeEvent => e !== null);
    stored.sort((a, b) => a.id - b.id);
    return { events: stored.filter((e) => e.id > lastId), complete: stored.some((e) => e.id === lastId) };
  }

  private currentLease(): Lease {
    const bucketMs = Math.max(1, Math.floor(this.replayWindowSeconds / 5)) * 1000;
    const startsAt = Math.floor(this.now() / bucketMs) * bucketMs;
    if (!this.bucket || this.bucket.startsAt !== startsAt) {
      this.bucket = {
        startsAt,
        lease: this.etcd.lease(this.replayWindowSeconds + bucketMs / 1000, { autoKeepAlive: false }),
      };
    }
    return this.bucket.lease;
  }
}
