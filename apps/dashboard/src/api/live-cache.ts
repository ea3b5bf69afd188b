import { type QueryClient, type QueryKey } from '@tanstack/react-query';
import { type Page } from '@lcm/contracts';
import { type LiveEvent } from './live-events';
import { type ListFilter, queryKeys, type Resource } from './query-keys';

interface Versioned {
  id: string;
  version: number;
}

type Membership = 'member' | 'not-member' | 'unknown';

/**
 * Whether an item belongs in a list with this filter, judged only on filters that name one of its
 * fields (status, worker_id, owner...). Paging and free-text filters cannot be judged here.
 */
export function membership(item: object, filter: ListFilter): Membership {
  const fields = item as Record<string, unknown>;
  let verdict: Membership = 'member';
  for (const [name, wanted] of Object.entries(filter)) {
    if (wanted === undefined || name === 'limit') continue;
    if (!(name in fields)) {
      verdict = 'unknown';
      continue;
    }
    const accepted = Array.isArray(wanted) ? wanted.map(String) : String(wanted).split(',');
    if (!accepted.includes(String(fields[name]))) return 'not-member';
  }
  return verdict;
}

const isNewer = (incoming: Versioned, cached: Versioned | undefined): boolean =>
  !cached || incoming.version >= cached.version;

/** Puts one changed item into the detail cache and every cached list of its resource, in place. */
export function upsertItem(client: QueryClient, resource: Resource, item: Versioned): void {
  const detailKey = queryKeys.detail(resource, item.id);
  const cached = client.getQueryData<Versioned>(detailKey);
  if (cached && isNewer(item, cached)) client.setQueryData(detailKey, { ...cached, ...item });
  for (const [key, page] of client.getQueriesData<Page<Versioned>>({ queryKey: queryKeys.lists(resource) })) {
    if (!page) continue;
    const filter = (key[2] ?? {}) as ListFilter;
    const verdict = membership(item, filter);
    const index = page.items.findIndex((existing) => existing.id === item.id);
    if (index >= 0 && verdict === 'not-member') {
      client.setQueryData<Page<Versioned>>(key, {
        ...page,
        items: page.items.filter((_, at) => at !== index),
      });
    } else if (index >= 0) {
      if (!isNewer(item, page.items[index])) continue;
      const items = [...page.items];
      items[index] = { ...items[index], ...item };
      client.setQueryData<Page<Versioned>>(key, { ...page, items });
    } else if (verdict === 'member') {
      client.setQueryData<Page<Versioned>>(key, { ...page, items: [item, ...page.items] });
    } else if (verdict === 'unknown') {
      void client.invalidateQueries({ queryKey: key, exact: true });
    }
  }
}

export function removeItem(client: QueryClient, resource: Resource, id: string): void {
  client.removeQueries({ queryKey: queryKeys.detail(resource, id) });
  for (const [key, page] of client.getQueriesData<Page<Versioned>>({ queryKey: queryKeys.lists(resource) })) {
    if (page?.items.some((item) => item.id === id))
      client.setQueryData<Page<Versioned>>(key, {
        ...page,
        items: page.items.filter((item) => item.id !== id),
      });
  }
}

/** A snapshot follows a (re)connect that could not be replayed: items refresh in place, lists once. */
function applySnapshot(client: QueryClient, resource: Resource, items: Versioned[]): void {
  for (const item of items) {
    const detailKey = queryKeys.detail(resource, item.id);
    const cached = client.getQueryData<Versioned>(detailKey);
    if (cached && isNewer(item, cached)) client.setQueryData(detailKey, { ...cached, ...item });
  }
  void client.invalidateQueries({ queryKey: queryKeys.lists(resource) });
}

const invalidate = (client: QueryClient, ...keys: QueryKey[]): void =>
  keys.forEach((queryKey) => void client.invalidateQueries({ queryKey }));

/** Applies one live event to the query cache (spec §8.2 event families). */
export function applyLiveEvent(client: QueryClient, event: LiveEvent): void {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'worker.snapshot':
    case 'lablet_session.snapshot':
    case 'lablet_definition.snapshot': {
      const resource: Resource =
        event.type === 'worker.snapshot'
          ? 'workers'
          : event.type === 'lablet_session.snapshot'
            ? 'sessions'
            : 'definitions';
      applySnapshot(client, resource, (data['items'] as Versioned[]) ?? []);
      return;
    }
    case 'worker_template.deleted':
      removeItem(client, 'templates', String(data['worker_template_id']));
      return;
    case 'user_session.updated':
    case 'grading_session.updated':
    case 'score_report.created': {
      const child = (data['user_session'] ?? data['grading_session'] ?? data['score_report']) as {
        lablet_session_id: string;
      };
      const name =
        event.type === 'user_session.updated'
          ? 'user-session'
          : event.type === 'grading_session.updated'
            ? 'grading-session'
            : 'score-report';
      client.setQueryData(queryKeys.sessionChild(name, child.lablet_session_id), child);
      return;
    }
    case 'worker.labs.updated':
    case 'worker.labs.synced':
    case 'worker.refresh.requested':
    case 'worker.refresh.skipped':
    case 'worker.scale_up.requested':
      invalidate(
        client,
        queryKeys.detail('workers', String(data['worker_id'])),
        queryKeys.view('worker', String(data['worker_id'])),
      );
      if (event.type === 'worker.scale_up.requested') invalidate(client, queryKeys.lists('workers'));
      if (event.type === 'worker.labs.synced') invalidate(client, queryKeys.lists('labs'));
      return;
    default:
      break;
  }
  if (data['session']) {
    upsertItem(client, 'sessions', data['session'] as Versioned);
    if (data['score_report'])
      client.setQueryData(
        queryKeys.sessionChild('score-report', (data['session'] as Versioned).id),
        data['score_report'],
      );
  }
  if (data['worker']) upsertItem(client, 'workers', data['worker'] as Versioned);
  if (data['definition']) upsertItem(client, 'definitions', data['definition'] as Versioned);
  if (data['template']) upsertItem(client, 'templates', data['template'] as Versioned);
  if (data['lab_record']) {
    const lab = data['lab_record'] as Versioned;
    upsertItem(client, 'labs', lab);
    // The lab detail view holds the full record (topology, revisions), which the event does not carry.
    invalidate(client, queryKeys.view('lab', lab.id));
  }
}
