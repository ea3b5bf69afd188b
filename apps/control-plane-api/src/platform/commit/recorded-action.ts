import { type AggregateType, type Clock, type DomainEvent } from '@lcm/domain';

/**
 * An operator or controller action the domain model raises no event for (a deletion, a request
 * handed to a controller), so the audit log still gets its entry (decision 15).
 */
export function recordedAction(
  target: { aggregate_type: AggregateType; aggregate_id: string },
  type: string,
  payload: object,
  clock: Clock,
): DomainEvent {
  return { type, ...target, occurred_at: clock.now().toISOString(), payload };
}
