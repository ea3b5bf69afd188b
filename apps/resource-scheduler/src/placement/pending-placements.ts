import { cursorPosition, encodeCursor, type Page, type PendingPlacement } from '@lcm/contracts';
import type { PlacementDecision } from '@lcm/domain';
import type { PlacementSubject } from './session-snapshots';

type NoFit = Extract<PlacementDecision, { kind: 'no_fit' }>;

/** Sort position: closest timeslot first (ASAP sessions, without one, lead), then id. */
const positionOf = (entry: Pick<PendingPlacement, 'timeslot_start' | 'lablet_session_id'>) =>
  `${entry.timeslot_start ?? ''}\u0000${entry.lablet_session_id}`;

/**
 * Sessions the scheduler could not place yet, with each worker's rejection (the Scheduler page,
 * spec §9). Held by the leader only, rebuilt by its passes: nothing here outlives the process.
 */
export class PendingPlacements {
  private readonly entries = new Map<string, PendingPlacement>();
  /** Sessions whose unschedulable flag the control plane has already announced. */
  private readonly reported = new Set<string>();

  recordNoFit(sessionId: string, session: PlacementSubject, decision: NoFit, at: Date): void {
    this.entries.set(sessionId, {
      lablet_session_id: sessionId,
      definition_id: session.definition_id,
      timeslot_start: session.timeslot_start,
      rejections: decision.summary,
      worker_rejections: [...decision.rejections],
      unschedulable: this.entries.get(sessionId)?.unschedulable ?? false,
      last_attempt_at: at.toISOString(),
    });
  }

  markUnschedulable(sessionId: string, unschedulable: boolean): void {
    const entry = this.entries.get(sessionId);
    if (entry) this.entries.set(sessionId, { ...entry, unschedulable });
  }

  /** Flagged and not yet announced through the control plane (a failed report is tried again on the next pass). */
  needsUnschedulableReport(sessionId: string): boolean {
    return this.entries.get(sessionId)?.unschedulable === true && !this.reported.has(sessionId);
  }

  unschedulableReported(sessionId: string): void {
    this.reported.add(sessionId);
  }

  /** Leadership lost: another replica's passes decide now, so nothing here stays true. */
  clear(): void {
    this.entries.clear();
    this.reported.clear();
  }

  remove(sessionId: string): void {
    this.entries.delete(sessionId);
    this.reported.delete(sessionId);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  get unschedulableCount(): number {
    return [...this.entries.values()].filter((entry) => entry.unschedulable).length;
  }

  /**
   * Closest timeslot first; the cursor is the position of the previous page's last entry, in the
   * shape every LCM list uses (PageQuery), since the control plane serves this page as its own.
   */
  page(limit: number, cursor?: string): Page<PendingPlacement> {
    const from = cursor ? cursorPosition(cursor) : null;
    const after = from ? positionOf({ timeslot_start: from.v, lablet_session_id: from.id }) : '';
    const sorted = [...this.entries.values()]
      .map((entry) => ({ entry, position: positionOf(entry) }))
      .filter(({ position }) => position > after)
      .sort((a, b) => (a.position < b.position ? -1 : 1));
    const items = sorted.slice(0, limit);
    const last = items.at(-1)?.entry;
    return {
      items: items.map(({ entry }) => entry),
      next_cursor:
        last && sorted.length > limit
          ? encodeCursor(last.timeslot_start ?? '', last.lablet_session_id)
          : null,
    };
  }
}
