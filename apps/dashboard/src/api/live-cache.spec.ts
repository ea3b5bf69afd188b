import { QueryClient } from '@tanstack/react-query';
import { applyLiveEvent, membership } from './live-cache';
import { type LiveEvent } from './live-events';
import { queryKeys } from './query-keys';

const A = '0192f0c4-3a6b-7c1d-8e2f-00000000000a';
const B = '0192f0c4-3a6b-7c1d-8e2f-00000000000b';

interface SessionRow {
  id: string;
  version: number;
  status: string;
  owner: string;
}
const session = (id: string, status: string, version = 1): SessionRow => ({
  id,
  version,
  status,
  owner: 'cand-1',
});
const statusChanged = (row: SessionRow) =>
  ({
    type: 'lablet_session.status.changed',
    data: { session: row, from_status: null, status: row.status, reason: null },
  }) as unknown as LiveEvent;

function cacheWith(entries: [readonly unknown[], unknown][]): QueryClient {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  for (const [key, value] of entries) client.setQueryData(key, value);
  return client;
}

describe('live events update the query cache in place', () => {
  it('replaces a changed session in its detail and in every list that holds it, without refetching', () => {
    const all = queryKeys.list('sessions');
    const client = cacheWith([
      [queryKeys.detail('sessions', A), session(A, 'PENDING')],
      [all, { items: [session(B, 'RUNNING'), session(A, 'PENDING')], next_cursor: null }],
    ]);
    const refetch = jest.spyOn(client, 'invalidateQueries');

    applyLiveEvent(client, statusChanged(session(A, 'SCHEDULED', 2)));

    expect(client.getQueryData<SessionRow>(queryKeys.detail('sessions', A))?.status).toBe('SCHEDULED');
    expect(client.getQueryData<{ items: SessionRow[] }>(all)?.items.map((row) => row.status)).toEqual([
      'RUNNING',
      'SCHEDULED',
    ]);
    expect(refetch).not.toHaveBeenCalled();
  });

  it('moves a session between status-filtered lists as its status changes', () => {
    const pending = queryKeys.list('sessions', { status: ['PENDING'] });
    const scheduled = queryKeys.list('sessions', { status: ['SCHEDULED', 'RUNNING'] });
    const client = cacheWith([
      [pending, { items: [session(A, 'PENDING')], next_cursor: null }],
      [scheduled, { items: [], next_cursor: null }],
    ]);

    applyLiveEvent(client, statusChanged(session(A, 'SCHEDULED', 2)));

    expect(client.getQueryData<{ items: SessionRow[] }>(pending)?.items).toEqual([]);
    expect(client.getQueryData<{ items: SessionRow[] }>(scheduled)?.items.map((row) => row.id)).toEqual([A]);
  });

  it('never lets an older version overwrite a newer one that a fetch already brought', () => {
    const client = cacheWith([[queryKeys.detail('sessions', A), session(A, 'RUNNING', 5)]]);
    applyLiveEvent(client, statusChanged(session(A, 'READY', 4)));
    expect(client.getQueryData<SessionRow>(queryKeys.detail('sessions', A))?.status).toBe('RUNNING');
  });

  it('refetches only the list whose filter it cannot judge (free-text search)', () => {
    const searched = queryKeys.list('sessions', { search: 'cand' });
    const plain = queryKeys.list('sessions');
    const client = cacheWith([
      [searched, { items: [], next_cursor: null }],
      [plain, { items: [], next_cursor: null }],
    ]);
    const refetch = jest.spyOn(client, 'invalidateQueries');

    applyLiveEvent(client, {
      type: 'lablet_session.created',
      data: { session: session(A, 'PENDING') },
    } as unknown as LiveEvent);

    expect(refetch).toHaveBeenCalledTimes(1);
    expect(refetch).toHaveBeenCalledWith({ queryKey: searched, exact: true });
    expect(client.getQueryData<{ items: SessionRow[] }>(plain)?.items.map((row) => row.id)).toEqual([A]);
  });

  it('drops a deleted template from lists and its detail', () => {
    const list = queryKeys.list('templates');
    const client = cacheWith([
      [
        list,
        {
          items: [
            { id: A, version: 1 },
            { id: B, version: 1 },
          ],
          next_cursor: null,
        },
      ],
      [queryKeys.detail('templates', A), { id: A, version: 1 }],
    ]);
    applyLiveEvent(client, {
      type: 'worker_template.deleted',
      data: { worker_template_id: A },
    } as unknown as LiveEvent);
    expect(client.getQueryData<{ items: { id: string }[] }>(list)?.items.map((row) => row.id)).toEqual([B]);
    expect(client.getQueryData(queryKeys.detail('templates', A))).toBeUndefined();
  });

  it('stores a session child (grading session) under its session', () => {
    const client = cacheWith([]);
    const grading = { id: B, version: 1, lablet_session_id: A, status: 'SUBMITTED' };
    applyLiveEvent(client, {
      type: 'grading_session.updated',
      data: { grading_session: grading },
    } as unknown as LiveEvent);
    expect(client.getQueryData(queryKeys.sessionChild('grading-session', A))).toEqual(grading);
  });

  it('after a snapshot refreshes cached items in place and refetches each list once', () => {
    const list = queryKeys.list('workers');
    const client = cacheWith([
      [list, { items: [{ id: A, version: 1, status: 'PENDING' }], next_cursor: null }],
      [queryKeys.detail('workers', A), { id: A, version: 1, status: 'PENDING' }],
    ]);
    const refetch = jest.spyOn(client, 'invalidateQueries');
    applyLiveEvent(client, {
      type: 'worker.snapshot',
      data: { items: [{ id: A, version: 3, status: 'RUNNING' }] },
    } as unknown as LiveEvent);
    expect(client.getQueryData<{ status: string }>(queryKeys.detail('workers', A))?.status).toBe('RUNNING');
    expect(refetch).toHaveBeenCalledTimes(1);
    expect(refetch).toHaveBeenCalledWith({ queryKey: queryKeys.lists('workers') });
  });

  it('judges list membership on item fields only', () => {
    expect(membership({ status: 'READY' }, { status: ['READY', 'RUNNING'], limit: 50 })).toBe('member');
    expect(membership({ status: 'READY' }, { status: 'PENDING,SCHEDULED' })).toBe('not-member');
    expect(membership({ status: 'READY' }, { in_use: true })).toBe('unknown');
  });
});
