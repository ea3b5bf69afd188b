import { type Collection, type Db, type Filter, type IndexDescription, type Sort } from 'mongodb';
import { type AggregateRoot, type Clock, type DomainEvent, type PersistedState } from '@lcm/domain';
import { notFound } from '../http/api-error';
import { createMissingIndexes } from './missing-indexes';
import { VersionedCollection, type VersionedDocument } from './versioned-collection';

type Stored<S extends PersistedState> = Omit<S, 'id'> & VersionedDocument;

/** What a save committed: the state as stored (at its new version) and the events it raised. */
export interface Committed<S extends PersistedState> {
  state: S;
  events: DomainEvent[];
}

export interface AggregateRepositoryOptions<
  S extends PersistedState,
  A extends AggregateRoot<S, DomainEvent>,
> {
  collection: string;
  /** Human name used in 404 problems, e.g. "lablet session". */
  entity: string;
  hydrate: (state: S, clock: Clock) => A;
  indexes?: IndexDescription[];
}

/**
 * Stores one aggregate type in one collection: `_id` is the aggregate id, every save is
 * version-checked (ConcurrencyConflictError on a lost race), and new aggregates (version 0) are
 * inserted at version 1. Query methods of the concrete repositories are named for their question.
 */
export class AggregateRepository<S extends PersistedState, A extends AggregateRoot<S, DomainEvent>> {
  protected readonly documents: VersionedCollection<Stored<S>>;

  constructor(
    db: Db,
    protected readonly clock: Clock,
    private readonly options: AggregateRepositoryOptions<S, A>,
  ) {
    this.documents = new VersionedCollection(db.collection<Stored<S>>(options.collection), db);
  }

  get collection(): Collection<Stored<S>> {
    return this.documents.collection;
  }

  /** Creates the collection's indexes; safe to run at every start-up. */
  async ensureIndexes(): Promise<void> {
    await createMissingIndexes(this.collection, this.options.indexes ?? []);
  }

  async findById(id: string): Promise<A | null> {
    const document = await this.collection.findOne({ _id: id } as Filter<Stored<S>>);
    return document ? this.hydrate(document as Stored<S>) : null;
  }

  /** The aggregate, or a 404 problem naming it. */
  async getById(id: string): Promise<A> {
    const aggregate = await this.findById(id);
    if (!aggregate) throw notFound(this.options.entity, id);
    return aggregate;
  }

  async findStateById(id: string): Promise<S | null> {
    const document = await this.collection.findOne({ _id: id } as Filter<Stored<S>>);
    return document ? this.toState(document as Stored<S>) : null;
  }

  async findMany(filter: Filter<Stored<S>>, sort: Sort = { _id: 1 }, limit = 0): Promise<A[]> {
    const documents = await this.collection.find(filter).sort(sort).limit(limit).toArray();
    return documents.map((document) => this.hydrate(document as Stored<S>));
  }

  async findStates(filter: Filter<Stored<S>>, sort: Sort = { _id: 1 }, limit = 0): Promise<S[]> {
    const documents = await this.collection.find(filter).sort(sort).limit(limit).toArray();
    return documents.map((document) => this.toState(document as Stored<S>));
  }

  /** Persists the aggregate if its stored version is still the one it was loaded at. */
  async save(aggregate: A): Promise<Committed<S>> {
    const { id, version, ...rest } = aggregate.toState();
    const stored =
      version === 0
        ? await this.documents.insert({ _id: id, ...rest } as unknown as Omit<Stored<S>, 'version'>)
        : await this.documents.replace({ _id: id, ...rest, version } as unknown as Stored<S>, version);
    return { state: this.toState(stored), events: aggregate.pullEvents() };
  }

  protected hydrate(document: Stored<S>): A {
    return this.options.hydrate(this.toState(document), this.clock);
  }

  protected toState(document: Stored<S>): S {
    const { _id, ...rest } = document;
    return { id: _id, ...rest } as unknown as S;
  }
}
