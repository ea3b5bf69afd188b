import { MAX_PAGE_LIMIT, type Page } from '@lcm/contracts';

/** Every item of a paged list of the internal API, page by page. */
export async function listAll<Item>(
  fetchPage: (query: { limit: number; cursor?: string }) => Promise<Page<Item>>,
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage({ limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}
