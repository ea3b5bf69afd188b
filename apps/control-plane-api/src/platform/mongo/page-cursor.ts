import { type Document, type Filter, type Sort } from 'mongodb';
import { type CursorPosition, cursorPosition, encodeCursor } from '@lcm/contracts';

/**
 * Keyset paging over (sortField, _id): the cursor is the last item's sort value and id, so a page
 * never skips or repeats a document that was written meanwhile, and the order is total (ties on
 * the sort field are broken by id).
 */
export interface KeysetPage {
  sortField: string;
  direction: 1 | -1;
}

/** A paging cursor this server did not issue (400 naming query.cursor at the API). */
export class InvalidCursorError extends Error {
  readonly field = 'query.cursor';
  constructor() {
    super('query.cursor: not a cursor this server issued');
  }
}

/** The position in a cursor; InvalidCursorError for a text that is not one. */
export function decodeCursor(cursor: string): CursorPosition {
  const position = cursorPosition(cursor);
  if (!position) throw new InvalidCursorError();
  return position;
}

/** The filter that continues after `cursor`, combined with the caller's filter. */
export function afterCursor<T extends Document>(
  filter: Filter<T>,
  page: KeysetPage,
  cursor: string | undefined,
): Filter<T> {
  if (!cursor) return filter;
  const { v, id } = decodeCursor(cursor);
  const op = page.direction === 1 ? '$gt' : '$lt';
  const continuation = {
    $or: [{ [page.sortField]: { [op]: v } }, { [page.sortField]: v, _id: { [op]: id } }],
  };
  return { $and: [filter, continuation] } as Filter<T>;
}

export function keysetSort(page: KeysetPage): Sort {
  return { [page.sortField]: page.direction, _id: page.direction };
}

/** Given limit + 1 items (to know whether another page exists), returns the page and its next cursor. */
export function pageOf<T extends { id: string }>(
  items: T[],
  limit: number,
  page: KeysetPage,
): { items: T[]; next_cursor: string | null } {
  const shown = items.slice(0, limit);
  const last = shown.at(-1);
  const next_cursor =
    items.length > limit && last
      ? encodeCursor(String((last as Record<string, unknown>)[page.sortField]), last.id)
      : null;
  return { items: shown, next_cursor };
}
