import { z } from 'zod';

export const DEFAULT_PAGE_LIMIT = 50;
/**
 * Large enough for a controller to list a fleet of 1,000 workers in one page: on the embedded store
 * every page of a list reads the whole filtered collection to sort it (docs/decisions/store.md), so
 * pages of 200 cost a fleet of 1,000 five passes, and the resource-scheduler's listing at that size
 * outlasted the store timeout (docs/bench/system.md). MongoDB 7 serves any page from its index.
 */
export const MAX_PAGE_LIMIT = 1000;

/** One UTF-8 byte in hex, never 00 (a NUL the store could not compare). */
const CURSOR_BYTE = '(?:0[1-9a-f]|[1-9a-f][0-9a-f])';
/**
 * `<sort value>.<id>`, each as the hex of its UTF-8 bytes. Every text of this shape is a position a
 * list can continue from, so the API document states the shape and a client or fuzzer that follows
 * it never gets a 400 for a well-formed cursor; every list, the control plane's and the
 * resource-scheduler's pending view alike, issues cursors of this shape.
 */
export const CURSOR_PATTERN = `^${CURSOR_BYTE}*\\.${CURSOR_BYTE}+$`;
const CURSOR = new RegExp(CURSOR_PATTERN);

/** A position: the sort value and the id of the last item shown. */
export interface CursorPosition {
  v: string;
  id: string;
}

const hex = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, '0')).join('');
const text = (hexText: string): string =>
  new TextDecoder().decode(Uint8Array.from(hexText.match(/../g) ?? [], (pair) => parseInt(pair, 16)));

export function encodeCursor(value: string, id: string): string {
  return `${hex(value)}.${hex(id)}`;
}

/** The position in a cursor of the documented shape; null for any other text. */
export function cursorPosition(cursor: string): CursorPosition | null {
  if (!CURSOR.test(cursor)) return null;
  const [value = '', id = ''] = cursor.split('.');
  return { v: text(value), id: text(id) };
}

/**
 * Paging part of every list query. Query strings arrive as text, hence the coercion; the cursor is
 * opaque to clients (the server encodes its own position in it).
 */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(512).regex(CURSOR, 'not a cursor this server issued').optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of results; `next_cursor` is null on the last page. */
export const Page = <Item extends z.ZodType>(item: Item) =>
  z.object({ items: z.array(item), next_cursor: z.string().min(1).nullable() });
export type Page<Item> = { items: Item[]; next_cursor: string | null };

/** A filter that accepts one value, a comma-separated list or a repeated query parameter. */
export const OneOrMany = <Item extends z.ZodType>(item: Item) =>
  z.preprocess((raw) => (typeof raw === 'string' ? raw.split(',') : raw), z.array(item).min(1));

/**
 * A boolean query parameter (`true`/`false`, or zod's other stringbool spellings). An empty value
 * (`?flag=`, as forms and some clients send) means the parameter was not given, for every flag alike.
 */
const flagText = z.union([z.literal(''), z.stringbool()]);

export function queryFlag(): z.ZodOptional<
  z.ZodPipe<typeof flagText, z.ZodTransform<boolean | undefined, '' | boolean>>
>;
export function queryFlag(
  fallback: boolean,
): z.ZodDefault<z.ZodPipe<typeof flagText, z.ZodTransform<boolean, '' | boolean>>>;
export function queryFlag(fallback?: boolean) {
  if (fallback === undefined)
    return flagText.transform((value) => (value === '' ? undefined : value)).optional();
  return flagText.transform((value) => (value === '' ? fallback : value)).default(fallback);
}

/** Builds a strict list-query schema: unknown query parameters are rejected like unknown body fields. */
export const ListQuery = <Shape extends z.ZodRawShape>(filters: Shape) => PageQuery.extend(filters).strict();

/** Query of a list without filters. */
export const PageOnlyQuery = ListQuery({});
export type PageOnlyQuery = z.infer<typeof PageOnlyQuery>;
