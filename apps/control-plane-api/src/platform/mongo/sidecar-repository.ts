import { type Db } from 'mongodb';
import { type z } from 'zod';
import { type AggregateRoot, type Clock, type DomainEvent, type PersistedState } from '@lcm/domain';
import { AggregateRepository, type AggregateRepositoryOptions, type Committed } from './aggregate-repository';
import { ConcurrencyConflictError } from './versioned-collection';

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

  override async save(aggregate: A): Promise<Committed<S>> {
    return this.saveWithSidecar(aggregate);
  }

  async saveWithSidecar(aggregate: A, sidecar?: X): Promise<Committed<S>> {
    const { id, version, ...rest } = aggregate.toState();
    const field = this.sidecar.field;
    let stored;
    if (version === 0) {
      const value = sidecar ?? this.sidecar.schema.parse({});
      stored = await this.documents.insert({ _id: id, ...rest, [field]: value } as never);
    } else {
      const value = sidecar ?? (await this.storedSidecar(id, version));
      stored = await this.documents.replace({ _id: id, ...rest, [field]: value, version } as never, version);
    }
    return { state: this.toState(stored), events: aggregate.pullEvents() };
  }

  /** The sidecar as stored at exactly `version`; if the document moved on, the save has lost its race. */
  private async storedSidecar(id: string, version: number): Promise<unknown> {
    const document = await this.collection.findOne({ _id: id, version } as never, {
      projection: { [this.sidecar.field]: 1 },
    });
    if (!document) throw new ConcurrencyConflictError(this.collection.collectionName, id, version);
    return (document as Record<string, unknown>)[this.sidecar.field] ?? this.sidecar.schema.parse({});
  }
}
