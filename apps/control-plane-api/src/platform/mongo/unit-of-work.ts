import { createHash } from 'node:crypto';
import {
  type AggregateRoot,
  ConcurrencyConflictError as DomainConflict,
  type DomainEvent,
  type PersistedState,
} from '@lcm/domain';
import { type AggregateRepository, type Committed } from './aggregate-repository';
import { ConcurrencyConflictError, DocumentNotFoundError } from './versioned-collection';

export const isVersionConflict = (error: unknown): boolean =>
  error instanceof ConcurrencyConflictError || error instanceof DomainConflict;

/**
 * How often a command that lost an optimistic-concurrency race re-reads and re-applies before the
 * conflict reaches the caller (409). One bound for every aggregate: a worker packed by a burst of
 * placements is re-read that often too (docs/decisions/unit-of-work.md).
 */
export const MAX_CONFLICT_ATTEMPTS = 40;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Small jittered backoff: full jitter over an exponentially growing window, capped at 100 ms. */
export const backoff = (attempt: number): Promise<void> =>
  sleep(Math.random() * Math.min(100, 4 * 2 ** attempt));

/**
 * Runs `work` again (after re-reading inside it) while it loses an optimistic-concurrency race,
 * a bounded number of times; the last conflict is rethrown (409 at the API).
 */
export async function retryOnConflict<T>(
  work: (attempt: number) => Promise<T>,
  attempts = MAX_CONFLICT_ATTEMPTS,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!isVersionConflict(error) || attempt + 1 >= attempts) throw error;
      await backoff(attempt);
    }
  }
}

/** A fingerprint of an aggregate's state, to save only what a command really changed. */
export const fingerprint = <S extends PersistedState>(aggregate: AggregateRoot<S, DomainEvent>): string =>
  JSON.stringify(aggregate.toState());

/** Saves the aggregate when its state differs from `before`; null when there was nothing to write. */
export async function saveIfChanged<S extends PersistedState, A extends AggregateRoot<S, DomainEvent>>(
  repository: AggregateRepository<S, A>,
  aggregate: A,
  before: string,
): Promise<Committed<S> | null> {
  if (fingerprint(aggregate) === before) {
    aggregate.pullEvents();
    return null;
  }
  return repository.save(aggregate);
}

/**
 * How the unit of work reaches one aggregate type's storage. `U` is what a command works on: the
 * aggregate itself (aggregateStore), or the aggregate with what its module stores beside it.
 */
export interface AggregateStore<U, S extends PersistedState> {
  /** The human name of what is stored, for DocumentNotFoundError (404 at the API). */
  readonly entity: string;
  load(id: string): Promise<U | null>;
  /** What a command may change; equal before and after it ran means there is nothing to write. */
  snapshot(unit: U): string;
  /** Writes the unit, version-checked: ConcurrencyConflictError when it changed since it was loaded. */
  save(unit: U): Promise<Committed<S>>;
  /** What a unit that is not written holds: its state as loaded and the events it raised anyway. */
  unchanged(unit: U): Committed<S>;
}

/**
 * The module's after-commit work for one aggregate type: audit entries, etcd keys and SSE events
 * through CommitRecorder, and whatever the module does after (a status cascade, freeing capacity).
 */
export interface AggregateCommitRecorder<U, S extends PersistedState> {
  recordCommit(committed: Committed<S>, actor: string, unit: U): Promise<void>;
}

/**
 * The one unit of work for a single aggregate: load it, apply the command, save it version-checked
 * (re-read and re-applied on a lost race, up to MAX_CONFLICT_ATTEMPTS; nothing written when the
 * command changed nothing), then hand what the write committed to the module's recorder, once.
 * Commands that change several aggregates together keep a path of their own on retryOnConflict
 * (docs/decisions/unit-of-work.md).
 */
export class AggregateChanges<U, S extends PersistedState> {
  constructor(
    private readonly store: AggregateStore<U, S>,
    private readonly recorder: AggregateCommitRecorder<U, S>,
  ) {}

  /**
   * Writes a unit the caller built or loaded itself, without retry: a new aggregate cannot lose a
   * race (a taken id is a DuplicateDocumentError); a pass that read many at once reports a lost
   * race per item instead of re-applying.
   */
  async save(unit: U, actor: string): Promise<Committed<S>> {
    const committed = await this.store.save(unit);
    await this.recorder.recordCommit(committed, actor, unit);
    return committed;
  }

  /** Applies `apply` to the stored aggregate `id` (DocumentNotFoundError when there is none). */
  async update(id: string, actor: string, apply: (unit: U) => void | Promise<void>): Promise<Committed<S>> {
    let applied: U | undefined;
    const committed = await retryOnConflict(async () => {
      const unit = await this.store.load(id);
      if (unit === null) throw new DocumentNotFoundError(this.store.entity, id);
      const before = this.store.snapshot(unit);
      await apply(unit);
      applied = unit;
      return this.store.snapshot(unit) === before ? this.store.unchanged(unit) : this.store.save(unit);
    });
    await this.recorder.recordCommit(committed, actor, applied as U);
    return committed;
  }
}

/** The store of an aggregate that is kept as it is: its repository. */
export function aggregateStore<S extends PersistedState, A extends AggregateRoot<S, DomainEvent>>(
  repository: AggregateRepository<S, A>,
): AggregateStore<A, S> {
  return {
    entity: repository.entity,
    load: (id) => repository.findById(id),
    snapshot: fingerprint,
    save: (aggregate) => repository.save(aggregate),
    unchanged: (aggregate) => ({ state: aggregate.toState(), events: aggregate.pullEvents() }),
  };
}

/**
 * A UUID (version 5 layout) derived from a name, so a child entity that must exist once per
 * parent (the UserSession of a session, its ScoreReport) gets the same id on every retry: a
 * retried command finds what an interrupted one already wrote instead of writing a second one.
 */
export function derivedId(kind: string, key: string): string {
  const hash = createHash('sha256').update(`lcm:${kind}:${key}`).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const compact = <T>(items: readonly (T | null | undefined)[]): T[] =>
  items.filter((item): item is T => item !== null && item !== undefined);
