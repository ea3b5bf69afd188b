import { type Db } from 'mongodb';
import { type z } from 'zod';
import { type AggregateRoot, type Clock, type DomainEvent, type PersistedState } from '@lcm/domain';
import { AggregateRepository, type AggregateRepositoryOptions, type Committed } from './aggregate-repository';

export interface SidecarOptions<X> {
  /** Document field holding the sidecar. */
  field: string;
  /** Parses a stored sidecar; `parse({})` must give the defaults of a document that has none. */
  schema: z.ZodType<X>;
}

/**
 * An aggregate repository whose documents also carry a sidecar: API-level data the domain state
 * does not model (its schema strips unknown fields), stored in the same document so it is written
 * in the same version-checked write as the state. A save without a new sidecar carries the stored
 * one forward, so writers that know nothing about it (other contexts) never erase it.
 */
export class SidecarAggregateRepository<
  S extends PersistedState,
  A extends AggregateRoot<S, DomainEvent>,
  X extends object,
> extends AggregateRepository<S, A> {
  constructor(
    db: Db,
    clock: Clock,
    options: AggregateRepositoryOptions<S, A>,
    private readonly sidecar: SidecarOptions<X>,
  ) {
    super(db, clock, options);
  }

  /** The sidecar of a state read by findStates/findStateById (they return the stored document). */
  sidecarOf(state: S): X {
    return this.sidecar.schema.parse((state as unknown as Record<string, unknown>)[this.sidecar.field] ?? {});
  }

  async findSidecar(id: string): Promise<X> {
    const state = await this.findStateById(id);
    return this.sidecar.schema.parse(
      state ? ((state as unknown as Record<string, unknown>)[this.sidecar.field] ?? {}) : {},
    );
  }

  override async save(aggregate: A, extraEvents: readonly DomainEvent[] = []): Promise<Committed<S>> {
    return this.saveWithSidecar(aggregate, undefined, extraEvents);
  }

  async saveWithSidecar(
    aggregate: A,
    sidecar?: X,
    extraEvents: readonly DomainEvent[] = [],
  ): Promise<Committed<S>> {
    const field = this.sidecar.field;
    const isNew = aggregate.toState().version === 0;
    const value = sidecar ?? (isNew ? this.sidecar.schema.parse({}) : undefined);
    return this.commit(aggregate, value === undefined ? {} : { [field]: value }, extraEvents);
  }

  protected override carriedFields(): string[] {
    return [...super.carriedFields(), this.sidecar.field];
  }
}
