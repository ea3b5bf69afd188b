import type { Clock } from './clock';
import type { AggregateType, DomainEvent } from './domain-event';

/** Fields every persisted document carries (spec §3.1). */
export interface PersistedState {
  id: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * Holds the state, the version it was loaded at and the events raised since. The version is not
 * bumped here: the repository saves with `replaceOne({_id, version})` and writes `version + 1`,
 * so a second writer that loaded the same version is detected.
 */
export abstract class AggregateRoot<TState extends PersistedState, TEvent extends DomainEvent> {
  private pendingEvents: TEvent[] = [];

  protected constructor(
    protected readonly state: TState,
    protected readonly clock: Clock,
  ) {}

  protected abstract readonly aggregateType: AggregateType;

  get id(): string {
    return this.state.id;
  }

  get version(): number {
    return this.state.version;
  }

  get createdAt(): string {
    return this.state.created_at;
  }

  get updatedAt(): string {
    return this.state.updated_at;
  }

  /** A deep copy, so a caller can never mutate the aggregate behind its back. */
  toState(): TState {
    return structuredClone(this.state);
  }

  pullEvents(): TEvent[] {
    const events = this.pendingEvents;
    this.pendingEvents = [];
    return events;
  }

  protected now(): string {
    return this.clock.now().toISOString();
  }

  protected raise<K extends TEvent['type']>(type: K, payload: Extract<TEvent, { type: K }>['payload']): void {
    // TS cannot correlate `type` with its payload inside a generic union, so the pairing is checked at the call site.
    this.pendingEvents.push({
      type,
      aggregate_type: this.aggregateType,
      aggregate_id: this.state.id,
      occurred_at: this.now(),
      payload,
    } as unknown as TEvent);
  }

  protected touch(): void {
    this.state.updated_at = this.now();
  }
}
