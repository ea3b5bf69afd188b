import { apiContract, type LabRunRecord } from '@lcm/contracts';
import { type LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { ListLabRunsHandler, ListLabRunsQuery } from './lab-history.query';

const run = (index: number): LabRunRecord => ({
  run_id: `run-${index}`,
  started_at: new Date(Date.UTC(2030, 0, 1, 0, index)).toISOString(),
  stopped_at: null,
  duration_seconds: null,
  started_by: 'system',
  stop_reason: null,
  lablet_session_id: null,
  final_state: null,
});

describe('lab run and revision history paging', () => {
  const runs = [1, 2, 3].map(run);
  const labs = {
    getById: async () => ({ toState: () => ({ run_history: runs, revision_history: [] }) }),
  } as unknown as LabRecordRepository;
  const handler = new ListLabRunsHandler(labs);
  const route = apiContract.public.labRecords.listLabRuns;
  const pageAt = (query: Record<string, string>) =>
    handler.execute(new ListLabRunsQuery('lab', route.query.parse(query)));

  it('hands out cursors of the documented shape, which the list query takes back (a base64url one it refused)', async () => {
    const first = await pageAt({ limit: '2' });
    expect(first.items.map((item) => item.run_id)).toEqual(['run-3', 'run-2']);
    const second = await pageAt({ limit: '2', cursor: first.next_cursor as string });
    expect([second.items.map((item) => item.run_id), second.next_cursor]).toEqual([['run-1'], null]);
  });

  it('answers any cursor of the documented shape, one that is no offset with an empty page (was a 400: ST202)', async () => {
    expect((await pageAt({ cursor: '61.62' })).items).toEqual([]);
  });
});
