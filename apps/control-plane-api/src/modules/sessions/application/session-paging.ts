import { type Document, type Filter, type Sort } from 'mongodb';
import { type Page } from '@lcm/contracts';
import { type PersistedState } from '@lcm/domain';
import { afterCursor, type KeysetPage, keysetSort, pageOf } from '../../../platform/mongo/page-cursor';

/** A repository's `findStates`, whatever its stored document type. */
interface StateSource<S> {
  findStates(filter: never, sort: Sort, limit: number): Promise<S[]>;
}

/** Newest first for people (dashboard, reports); oldest first for the controllers' work lists. */
export const NEWEST_FIRST: KeysetPage = { sortField: 'created_at', direction: -1 };
export const OLDEST_FIRST: KeysetPage = { sortField: 'created_at', direction: 1 };

export const iso = (value: string): string => new Date(value).toISOString();

/** Read side of the sessions context: bounded, filtered, keyset-paged lists. */
export async function pageStates<S extends PersistedState, V>(
  repository: StateSource<S>,
  filter: object,
  query: { limit: number; cursor?: string | undefined },
  order: KeysetPage,
  view: (state: S) => V,
): Promise<Page<V>> {
  const states = await repository.findStates(
    afterCursor(filter as Filter<Document>, order, query.cursor) as never,
    keysetSort(order),
    query.limit + 1,
  );
  const page = pageOf(states, query.limit, order);
  return { items: page.items.map(view), next_cursor: page.next_cursor };
}
