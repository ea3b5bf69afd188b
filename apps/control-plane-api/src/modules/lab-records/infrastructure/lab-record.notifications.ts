import { type DomainEvent, type LabRecordEvent, type LabRecordState } from '@lcm/domain';
import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { toLabRecordSummary } from './lab-record.views';

function notificationFor(event: LabRecordEvent): { type: string; extra?: Record<string, unknown> } | null {
  switch (event.type) {
    case 'lab_record.created':
      return { type: event.payload.source === 'discovery' ? 'lab.discovered' : 'lab.created' };
    case 'lab_record.status_changed':
      if (event.payload.to === 'ORPHANED') return { type: 'lab.orphaned' };
      if (event.payload.to === 'DELETED') return { type: 'lab.deleted' };
      return { type: 'lab.status.updated' };
    case 'lab_record.topology_updated':
      return { type: 'lab.topology.updated' };
    case 'lab_record.action_requested':
    case 'lab_record.action_completed':
      return {
        type: event.type === 'lab_record.action_requested' ? 'lab.action.requested' : 'lab.action.completed',
        extra: { action: event.payload.action },
      };
    case 'lab_record.action_failed':
      return {
        type: 'lab.action.failed',
        extra: { action: event.payload.action, error_message: event.payload.error },
      };
    default:
      return null;
  }
}

/**
 * The `lab.*` SSE events (spec §8.2) for what one save committed, each carrying the committed
 * summary; one event per type, since every one of them already shows the final state.
 */
export function labNotifications(state: LabRecordState, events: readonly DomainEvent[]): ChangeEvent[] {
  const byType = new Map<string, ChangeEvent>();
  const lab_record = toLabRecordSummary(state);
  for (const event of events) {
    const notification = notificationFor(event as LabRecordEvent);
    if (!notification || byType.has(notification.type)) continue;
    byType.set(notification.type, {
      type: notification.type,
      data: { lab_record, ...notification.extra },
      at: state.updated_at,
    });
  }
  return [...byType.values()];
}
