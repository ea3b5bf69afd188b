import { createHash } from 'node:crypto';
import {
  type AggregateRoot,
  ConcurrencyConflictError as DomainConflict,
  type DomainEvent,
  type PersistedState,
} from '@lcm/domain';
import { type AggregateRepository, type Committed } from './aggregate-repository';
import { ConcurrencyConflictError, DuplicateDocumentError } from './versioned-collection';

export const isVersionConflict = (error: unknown): boolean =>
  error instanceof ConcurrencyConflictError || error instanceof DomainConflict;
export const isDuplicate = (error: unknown): boolean => error instanceof DuplicateDocumentError;

/** How often a contended secondary aggregate (a worker, a lab) is re-read and the change re-applied. */
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
