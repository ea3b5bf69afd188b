import { Accordion, Button, Select, SimpleGrid, Switch, TextInput } from '@mantine/core';
import { apiContract, LabRecordStatus, type LabRecordSummary, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { type Column, DataTable, FilterBar } from '../../ui/data-table';
import { countBy, formatTime, shortId } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { trimmed, useFilters } from '../../ui/use-filters';
import { LabDetailModal } from './lab-detail-modal';

const routes = apiContract.public.labRecords;

/** Spec §9 Labs: the six summary cards. */
const CARDS: { label: string; statuses: LabRecordStatus[] | 'all' }[] = [
  { label: 'Total', statuses: 'all' },
  { label: 'Running', statuses: ['BOOTED', 'STARTING', 'QUEUED'] },
  { label: 'Stopped', statuses: ['STOPPED'] },
  { label: 'Wiped', statuses: ['WIPED'] },
  { label: 'Discovered', statuses: ['DISCOVERED'] },
  { label: 'Errors', statuses: ['ERROR', 'ORPHANED'] },
];

/** Spec §9 Labs: the 7-column table; the title opens the detail modal. */
const columns = (open: (lab: LabRecordSummary) => void): Column<LabRecordSummary>[] => [
  {
    header: 'Title',
    cell: (lab) => (
      <Button variant="subtle" size="compact-sm" onClick={() => open(lab)}>
        {lab.title || lab.runtime_binding.lab_id}
      </Button>
    ),
  },
  { header: 'Status', cell: (lab) => <StatusBadge status={lab.status} /> },
  { header: 'Worker', cell: (lab) => shortId(lab.runtime_binding.worker_id) },
  { header: 'Nodes', cell: (lab) => lab.node_count },
  { header: 'Pending', cell: (lab) => lab.pending_action ?? '—' },
  { header: 'In use by', cell: (lab) => shortId(lab.active_lablet_session_id) },
  { header: 'Last synced', cell: (lab) => formatTime(lab.last_synced_at) },
];

export function LabsPage() {
  const filters = useFilters({
    worker: '',
    status: null as string | null,
    inUse: false as boolean,
    search: '',
  });
  const { worker, status, inUse, search } = filters.values;
  const [selected, setSelected] = useState<string>();
  const filter = {
    worker_id: trimmed(worker),
    status: status ? [status as LabRecordStatus] : undefined,
    in_use: inUse ? 'true' : undefined,
    search: trimmed(search),
    limit: MAX_PAGE_LIMIT,
  };
  const labs = useContractQuery(queryKeys.list('labs', filter), routes.listLabRecords, { query: filter });
  return (
    <Page title="Labs">
      <QueryState query={labs}>
        {(page) => {
          const counts = countBy(page.items, (lab) => lab.status);
          const count = (statuses: (typeof CARDS)[number]['statuses']): number =>
            statuses === 'all'
              ? page.items.length
              : statuses.reduce((sum, one) => sum + (counts[one] ?? 0), 0);
          const open = page.items.find((lab) => lab.id === selected);
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
              <FilterBar active={filters.active} onClear={filters.clear}>
                <TextInput label="Worker id" {...filters.text('worker')} />
                <Select
                  label="Status"
                  data={LabRecordStatus.options}
                  value={status}
                  onChange={filters.set('status')}
                  clearable
                />
                <Switch
                  label="In use"
                  checked={inUse}
                  onChange={(event) => filters.set('inUse')(event.currentTarget.checked)}
                />
                <TextInput label="Search" {...filters.text('search')} />
              </FilterBar>
              <DataTable
                striped
                highlightOnHover
                testId="labs-table"
                rows={page.items}
                columns={columns((lab) => setSelected(lab.id))}
                rowKey={(lab) => lab.id}
                rowAttributes={(lab) => ({ 'data-lab-id': lab.id })}
              />
              {open && <LabDetailModal lab={open} onClose={() => setSelected(undefined)} />}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
