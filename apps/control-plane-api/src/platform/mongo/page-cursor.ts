import { type Document, type Filter, type Sort } from 'mongodb';
import { ApiError } from '../http/api-error';

/**
 * Keyset paging over (sortField, _id): the cursor is the opaque base64url of the last item's sort
 * value and id, so a page never skips or repeats a document that was written meanwhile, and the
 * order is total (ties on the sort field are broken by id).
 */
export interface KeysetPage {
  sortField: string;
  direction: 1 | -1;
}

interface CursorPosition {
  v: string;
  id: string;
}

export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify({ v: value, id } satisfies CursorPosition)).toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPosition>;
    if (typeof parsed.v === 'string' && typeof parsed.id === 'string') return { v: parsed.v, id: parsed.id };
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError('VALIDATION_FAILED', 'query.cursor: not a cursor this server issued', [
    { field: 'query.cursor', message: 'invalid cursor' },
  ]);
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
