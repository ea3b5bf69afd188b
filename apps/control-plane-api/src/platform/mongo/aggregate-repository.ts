import { type Collection, type Db, type Filter, type IndexDescription, type Sort } from 'mongodb';
import { type AggregateRoot, type Clock, type DomainEvent, type PersistedState } from '@lcm/domain';
import { currentCorrelationId } from '@lcm/observability';
import { createMissingIndexes } from './missing-indexes';
import {
  currentCommandActor,
  entryKey,
  OUTBOX_FIELD,
  OUTBOX_PENDING_FIELD,
  OUTBOX_PENDING_INDEX,
  type OutboxEntry,
  outboxFields,
  OutboxLedger,
  type RecordedEvent,
  receiptsOf,
} from './outbox';
import {
  ConcurrencyConflictError,
  DocumentNotFoundError,
  DuplicateDocumentError,
  VersionedCollection,
  type VersionedDocument,
} from './versioned-collection';

type Stored<S extends PersistedState> = Omit<S, 'id'> & VersionedDocument;

/** What a save committed: the state as stored (at its new version) and the events it raised. */
export interface Committed<S extends PersistedState> {
  state: S;
  events: RecordedEvent[];
}

/** One save, ready to be written: the document (without its version) and the outbox entry it adds. */
interface PreparedWrite<S extends PersistedState> {
  id: string;
  /** The version the aggregate was loaded at (0: new). */
  version: number;
  document: Omit<Stored<S>, 'version'>;
  entry: OutboxEntry | null;
}

/** Fields stored beside the state that a write must carry forward (the outbox, a sidecar). */
export type CarriedFields = Record<string, unknown>;

export interface AggregateRepositoryOptions<
  S extends PersistedState,
  A extends AggregateRoot<S, DomainEvent>,
> {
  collection: string;
  /** Human name used in DocumentNotFoundError (a 404 at the API), e.g. "lablet session". */
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
  protected readonly ledger: OutboxLedger;

  constructor(
    db: Db,
    protected readonly clock: Clock,
    private readonly options: AggregateRepositoryOptions<S, A>,
  ) {
    this.documents = new VersionedCollection(db.collection<Stored<S>>(options.collection), db);
    this.ledger = OutboxLedger.of(db);
  }

  /** The human name of what is stored, for DocumentNotFoundError. */
  get entity(): string {
    return this.options.entity;
  }

  get collection(): Collection<Stored<S>> {
    return this.documents.collection;
  }

  /** Creates the collection's indexes; safe to run at every start-up. */
  async ensureIndexes(): Promise<void> {
    await createMissingIndexes(this.collection, [...(this.options.indexes ?? []), OUTBOX_PENDING_INDEX]);
  }

  async findById(id: string): Promise<A | null> {
    const document = await this.collection.findOne({ _id: id } as Filter<Stored<S>>);
    return document ? this.hydrate(document as Stored<S>) : null;
  }

  /** The aggregate, or a DocumentNotFoundError naming it. */
  async getById(id: string): Promise<A> {
    const aggregate = await this.findById(id);
    if (!aggregate) throw new DocumentNotFoundError(this.options.entity, id);
    return aggregate;
  }

  async findStateById(id: string): Promise<S | null> {
    const document = await this.collection.findOne({ _id: id } as Filter<Stored<S>>);
    return document ? this.toState(document as Stored<S>) : null;
  }

  /**
   * The stored states of these ids, in no particular order; missing ones left out. One `_id`
   * lookup each, in parallel: FerretDB evaluates `{_id: {$in: [...]}}` by scanning the whole
   * collection (about 4.5 s at 10,000 documents, docs/decisions/store.md), an equality on `_id` by
   * its index.
   */
  async findStatesByIds(ids: readonly string[]): Promise<S[]> {
    const states: (S | null)[] = await Promise.all([...new Set(ids)].map((id) => this.findStateById(id)));
    return states.filter((state): state is S => state !== null);
  }

  /**
   * The stored states whose top-level `field` equals one of `values` (and that match `filter`), in
   * no particular order. One equality query per value, in parallel: FerretDB hands an equality on a
   * top-level field to PostgreSQL, which returns only the matching rows, but evaluates `$in`, `$ne`
   * and `$nin` by reading every document of the collection (docs/decisions/store.md); MongoDB 7
   * serves each from the field's index.
   */
  async findStatesWhereAnyOf(
    field: string,
    values: readonly unknown[],
    filter: Filter<Stored<S>> = {},
  ): Promise<S[]> {
    const found = await Promise.all(
      [...new Set(values)].map((value) =>
        this.scanStates({ ...filter, [field]: value } as Filter<Stored<S>>),
      ),
    );
    return found.flat();
  }

  /**
   * Every stored state matching `filter`, in no particular order. Unsorted, so FerretDB streams it
   * from PostgreSQL a batch at a time: a sorted read of 10,000 sessions answered nothing until it
   * had read them all, outlasted the driver's socket timeout, and each retry left its PostgreSQL
   * query running (docs/decisions/store.md).
   */
  async scanStates(filter: Filter<Stored<S>>): Promise<S[]> {
    const documents = await this.collection.find(filter).toArray();
    return documents.map((document) => this.toState(document as Stored<S>));
  }

  async findMany(filter: Filter<Stored<S>>, sort: Sort = { _id: 1 }, limit = 0): Promise<A[]> {
    const documents = await this.collection.find(filter).sort(sort).limit(limit).toArray();
    return documents.map((document) => this.hydrate(document as Stored<S>));
  }

  async findStates(filter: Filter<Stored<S>>, sort: Sort = { _id: 1 }, limit = 0): Promise<S[]> {
    const documents = await this.collection.find(filter).sort(sort).limit(limit).toArray();
    return documents.map((document) => this.toState(document as Stored<S>));
  }

  /**
   * Persists the aggregate if its stored version is still the one it was loaded at. The events it
   * raised (and `extraEvents`: audited actions the domain has no event for) go into the document's
   * outbox in the same write, with the entries still undelivered from earlier writes
   * (docs/decisions/outbox.md).
   */
  async save(aggregate: A, extraEvents: readonly DomainEvent[] = []): Promise<Committed<S>> {
    return this.commit(aggregate, {}, extraEvents);
  }

  /**
   * Inserts a new aggregate whose id is derived from what it belongs to, once: when a retried or
   * concurrent command inserted it already, the stored one is answered instead (`committed` null).
   * `insert` writes it when the plain save does not fit (fields stored beside the state).
   */
  async insertOnce(
    aggregate: A,
    insert: () => Promise<Committed<S>> = () => this.save(aggregate),
  ): Promise<{ aggregate: A; committed: Committed<S> | null }> {
    try {
      return { aggregate, committed: await insert() };
    } catch (error) {
      if (!(error instanceof DuplicateDocumentError)) throw error;
      return { aggregate: await this.getById(aggregate.toState().id), committed: null };
    }
  }

  /**
   * `save` for many aggregates of this collection in a few round trips (VersionedCollection.replaceMany);
   * answers per aggregate, in the order given: what it committed, or the ConcurrencyConflictError
   * of its lost race. New aggregates (version 0) are inserted one by one.
   */
  async saveAll(aggregates: readonly A[]): Promise<(Committed<S> | ConcurrencyConflictError)[]> {
    const writes = await Promise.all(
      aggregates.map((aggregate) =>
        this.prepare(aggregate, {}, []).catch((error: unknown) => {
          if (error instanceof ConcurrencyConflictError) return error;
          throw error;
        }),
      ),
    );
    const replaces = writes.filter(
      (write): write is PreparedWrite<S> => !(write instanceof ConcurrencyConflictError) && write.version > 0,
    );
    const replaced = new Map(
      (
        await this.documents.replaceMany(
          replaces.map((write) => ({
            document: { ...write.document, version: write.version } as Stored<S>,
            expectedVersion: write.version,
          })),
        )
      ).map((outcome, index) => [replaces[index]!, outcome]),
    );
    return Promise.all(
      writes.map(async (write) => {
        if (write instanceof ConcurrencyConflictError) return write;
        const stored = replaced.get(write) ?? (await this.documents.insert(write.document));
        return stored instanceof ConcurrencyConflictError ? stored : this.committedOf(write, stored);
      }),
    );
  }

  /** Writes the aggregate with `fields` beside its state; fields not given are carried from the stored document. */
  protected async commit(
    aggregate: A,
    fields: CarriedFields,
    extraEvents: readonly DomainEvent[],
  ): Promise<Committed<S>> {
    const write = await this.prepare(aggregate, fields, extraEvents);
    const stored =
      write.version === 0
        ? await this.documents.insert(write.document)
        : await this.documents.replace(
            { ...write.document, version: write.version } as Stored<S>,
            write.version,
          );
    return this.committedOf(write, stored);
  }

  /** The document a save writes: the state, the fields carried beside it and the outbox with this write's entry. */
  private async prepare(
    aggregate: A,
    fields: CarriedFields,
    extraEvents: readonly DomainEvent[],
  ): Promise<PreparedWrite<S>> {
    const { id, version, ...rest } = aggregate.toState();
    const events = [...aggregate.pullEvents(), ...extraEvents];
    const entry: OutboxEntry | null = events.length
      ? {
          version: version + 1,
          at: this.clock.now().toISOString(),
          actor: currentCommandActor(),
          correlation_id: currentCorrelationId() ?? null,
          events,
        }
      : null;
    const carried = version === 0 ? {} : await this.storedFields(id, version);
    const pending = await this.ledger.undelivered(
      this.options.collection,
      id,
      (carried[OUTBOX_FIELD] as OutboxEntry[] | undefined) ?? [],
    );
    const document = {
      _id: id,
      ...rest,
      ...carried,
      ...fields,
      ...outboxFields(entry ? [...pending, entry] : pending),
    } as unknown as Omit<Stored<S>, 'version'>;
    return { id, version, document, entry };
  }

  private committedOf(write: PreparedWrite<S>, stored: Stored<S>): Committed<S> {
    return {
      state: this.toState(stored),
      events: write.entry ? receiptsOf(this.options.collection, write.id, write.entry) : [],
    };
  }

  /** The fields stored beside the state at exactly `version`; if the document moved on, the save lost its race. */
  private async storedFields(id: string, version: number): Promise<CarriedFields> {
    const known = this.ledger.loadedAt(entryKey(this.options.collection, id, version));
    if (known) return known;
    const projection = Object.fromEntries(this.carriedFields().map((field) => [field, 1]));
    const document = await this.collection.findOne({ _id: id, version } as Filter<Stored<S>>, { projection });
    if (!document) throw new ConcurrencyConflictError(this.options.collection, id, version);
    const { _id, ...carried } = document as Record<string, unknown>;
    return carried;
  }

  /** The stored fields that are not part of the aggregate's state. */
  protected carriedFields(): string[] {
    return [OUTBOX_FIELD];
  }

  protected hydrate(document: Stored<S>): A {
    return this.options.hydrate(this.toState(document), this.clock);
  }

  /** The state of a stored document (without its outbox); remembers what a save must carry forward. */
  protected toState(document: Stored<S>): S {
    const {
      _id,
      [OUTBOX_FIELD]: _outbox,
      [OUTBOX_PENDING_FIELD]: _pending,
      ...rest
    } = document as Record<string, unknown>;
    const raw = document as Record<string, unknown>;
    this.ledger.noteLoaded(
      entryKey(this.options.collection, _id as string, document.version),
      Object.fromEntries(
        this.carriedFields()
          .filter((field) => raw[field] !== undefined)
          .map((field) => [field, raw[field]]),
      ),
    );
    return { id: _id, ...rest } as unknown as S;
  }
}
