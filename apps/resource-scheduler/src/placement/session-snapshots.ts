import type { SessionStatusValue } from '@lcm/contracts';

/** What placing a session needs to know of it: the fields of its etcd status key (spec §6). */
export type PlacementSubject = Pick<
  SessionStatusValue,
  'status' | 'definition_id' | 'timeslot_start' | 'timeslot_end' | 'updated_at'
>;

/**
 * The latest PENDING state the scheduler was told of per session, by the status key that woke it
 * or by the list of PENDING sessions, so a placement does not read its session through the API
 * first (that read was one store round trip per session: docs/bench/placement.md). A snapshot is
 * used once: a retry reads the session fresh. The control plane re-validates every placement
 * atomically, so a stale snapshot costs one refused pair, whose problem names the current status.
 */
export class SessionSnapshots {
  private readonly latest = new Map<string, PlacementSubject>();

  /** Keeps `subject` unless a newer state of the session is known already. */
  note(sessionId: string, subject: PlacementSubject): void {
    const known = this.latest.get(sessionId);
    if (known && known.updated_at > subject.updated_at) return;
    this.latest.set(sessionId, subject);
  }

  /** The session is no longer PENDING (or its key is gone): nothing known may be used. */
  forget(sessionId: string): void {
    this.latest.delete(sessionId);
  }

  /** The snapshot of a PENDING session, removed so the next attempt reads fresh. */
  take(sessionId: string): PlacementSubject | undefined {
    const subject = this.latest.get(sessionId);
    this.latest.delete(sessionId);
    return subject;
  }

  get size(): number {
    return this.latest.size;
  }
}
