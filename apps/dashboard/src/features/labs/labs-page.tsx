import { Accordion, Button, Group, Select, SimpleGrid, Switch, Table, TextInput } from '@mantine/core';
import { apiContract, LabRecordStatus, type LabRecordSummary, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { countBy, formatTime, shortId } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { LabDetailModal } from './lab-detail-modal';

const routes = apiContract.public.labRecords;

/** Spec §9 Labs: the six summary cards. */
const CARDS: { label: string; statuses: LabRecordStatus[] | 'all' | 'errors' }[] = [
  { label: 'Total', statuses: 'all' },
  { label: 'Running', statuses: ['BOOTED', 'STARTING', 'QUEUED'] },
  { label: 'Stopped', statuses: ['STOPPED'] },
  { label: 'Wiped', statuses: ['WIPED'] },
  { label: 'Discovered', statuses: ['DISCOVERED'] },
  { label: 'Errors', statuses: ['ERROR', 'ORPHANED'] },
];

export function LabsPage() {
  const [workerId, setWorkerId] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [inUse, setInUse] = useState(false);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string>();
  const filter = {
    ...(workerId.trim() ? { worker_id: workerId.trim() } : {}),
    ...(status ? { status: [status] } : {}),
    ...(inUse ? { in_use: 'true' } : {}),
    ...(search.trim() ? { search: search.trim() } : {}),
    limit: MAX_PAGE_LIMIT,
  };
  const labs = useContractQuery(queryKeys.list('labs', filter), routes.listLabRecords, {
    query: { ...filter, status: status ? [status as LabRecordStatus] : undefined },
  });
  return (
    <Page title="Labs">
      <QueryState query={labs}>
        {(page) => {
          const counts = countBy(page.items, (lab) => lab.status);
          const count = (statuses: (typeof CARDS)[number]['statuses']): number =>
            statuses === 'all' ? page.items.length : (statuses as LabRecordStatus[]).reduce((sum, one) => sum + (counts[one] ?? 0), 0);
          const open: LabRecordSummary | undefined = page.items.find((lab) => lab.id === selected);
          return (
            <>
              <Accordion defaultValue="summary" variant="contained">
                <Accordion.Item value="summary">
                  <Accordion.Control>Summary</Accordion.Control>
                  <Accordion.Panel>
                    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
                      {CARDS.map((card) => (
                        <MetricCard key={card.label} label={card.label} value={count(card.statuses)} />
                      ))}
                    </SimpleGrid>
                  </Accordion.Panel>
                </Accordion.Item>
              </Accordion>
              <Group align="end">
                <TextInput label="Worker id" value={workerId} onChange={(event) => setWorkerId(event.currentTarget.value)} />
                <Select label="Status" data={LabRecordStatus.options} value={status} onChange={setStatus} clearable />
                <Switch label="In use" checked={inUse} onChange={(event) => setInUse(event.currentTarget.checked)} />
                <TextInput label="Search" value={search} onChange={(event) => setSearch(event.currentTarget.value)} />
              </Group>
              <Table striped highlightOnHover data-testid="labs-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Title</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Worker</Table.Th>
                    <Table.Th>Nodes</Table.Th>
                    <Table.Th>Pending</Table.Th>
                    <Table.Th>In use by</Table.Th>
                    <Table.Th>Last synced</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.items.map((lab) => (
                    <Table.Tr key={lab.id} data-lab-id={lab.id}>
                      <Table.Td>
                        <Button variant="subtle" size="compact-sm" onClick={() => setSelected(lab.id)}>
                          {lab.title || lab.runtime_binding.lab_id}
                        </Button>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={lab.status} />
                      </Table.Td>
                      <Table.Td>{shortId(lab.runtime_binding.worker_id)}</Table.Td>
                      <Table.Td>{lab.node_count}</Table.Td>
                      <Table.Td>{lab.pending_action ?? '—'}</Table.Td>
                      <Table.Td>{shortId(lab.active_lablet_session_id)}</Table.Td>
                      <Table.Td>{formatTime(lab.last_synced_at)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {open && <LabDetailModal lab={open} onClose={() => setSelected(undefined)} />}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
