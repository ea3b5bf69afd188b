import { Table, Text } from '@mantine/core';
import { apiContract, type ListAuditQuery } from '@lcm/contracts';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { formatTime, shortId } from '../../ui/format';
import { QueryState } from '../../ui/query-state';

type AuditFilter = Partial<Pick<ListAuditQuery, 'actor' | 'action' | 'target_id' | 'target_type'>>;

/** Audit entries, newest first (decision 15, admin only). */
export function AuditTable({ filter }: { filter: AuditFilter }) {
  const query = { ...filter, limit: 100 };
  const entries = useContractQuery(queryKeys.view('audit', JSON.stringify(query)), apiContract.public.audit.listAuditEntries, { query });
  return (
    <QueryState query={entries}>
      {(page) =>
        page.items.length ? (
          <Table striped data-testid="audit-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>At</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.items.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td>{formatTime(entry.at)}</Table.Td>
                  <Table.Td>{entry.actor}</Table.Td>
                  <Table.Td>{entry.action}</Table.Td>
                  <Table.Td>
                    {entry.target_type} {shortId(entry.target_id)}
                  </Table.Td>
                  <Table.Td>
                    {entry.before_status ?? '—'} → {entry.after_status ?? '—'}
                  </Table.Td>
                  <Table.Td>{entry.reason ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed">No audit entries.</Text>
        )
      }
    </QueryState>
  );
}
