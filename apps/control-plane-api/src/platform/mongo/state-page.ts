import { type Document, type Filter } from 'mongodb';
import { type Page, type PageQuery } from '@lcm/contracts';
import { type AggregateRoot, type DomainEvent, type PersistedState } from '@lcm/domain';
import { afterCursor, type KeysetPage, keysetSort, pageOf } from './page-cursor';
import { type AggregateRepository } from './aggregate-repository';

const OLDEST_FIRST: KeysetPage = { sortField: 'created_at', direction: 1 };

/** One page of stored states, oldest first and never unbounded, continuing after the cursor. */
export async function findStatePage<S extends PersistedState, A extends AggregateRoot<S, DomainEvent>>(
  repository: AggregateRepository<S, A>,
  filter: Filter<Document>,
  page: PageQuery,
): Promise<Page<S>> {
  const continued = afterCursor(filter, OLDEST_FIRST, page.cursor);
  const states = await repository.findStates(
    continued as Parameters<typeof repository.findStates>[0],
    keysetSort(OLDEST_FIRST),
    page.limit + 1,
  );
  return pageOf(states, page.limit, OLDEST_FIRST);
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { items: page.items.map(map), next_cursor: page.next_cursor };
}
