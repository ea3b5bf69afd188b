import { apiContract, type AuditEntry, type ListAuditQuery } from '@lcm/contracts';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { formatTime, shortId } from '../../ui/format';
import { QueryState } from '../../ui/query-state';

type AuditFilter = Partial<Pick<ListAuditQuery, 'actor' | 'action' | 'target_id' | 'target_type'>>;

const COLUMNS: Column<AuditEntry>[] = [
  { header: 'At', cell: (entry) => formatTime(entry.at) },
  { header: 'Actor', cell: (entry) => entry.actor },
  { header: 'Action', cell: (entry) => entry.action },
  { header: 'Target', cell: (entry) => `${entry.target_type} ${shortId(entry.target_id)}` },
  { header: 'Status', cell: (entry) => `${entry.before_status ?? '—'} → ${entry.after_status ?? '—'}` },
  { header: 'Reason', cell: (entry) => entry.reason ?? '' },
];

/** Audit entries, newest first (decision 15, admin only). */
export function AuditTable({ filter }: { filter: AuditFilter }) {
  const query = { ...filter, limit: 100 };
  const entries = useContractQuery(
    queryKeys.view('audit', JSON.stringify(query)),
    apiContract.public.audit.listAuditEntries,
    { query },
  );
  return (
    <QueryState query={entries}>
      {(page) => (
        <DataTable
          striped
          testId="audit-table"
          rows={page.items}
          columns={COLUMNS}
          rowKey={(entry) => entry.id}
          empty="No audit entries."
        />
      )}
    </QueryState>
  );
}
