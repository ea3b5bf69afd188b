import { MultiSelect, SimpleGrid, TextInput } from '@mantine/core';
import { apiContract, type LabletSession, type LabletSessionStatus, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { type Column, DataTable, FilterBar } from '../../ui/data-table';
import { countBy, shortId } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { trimmed, useFilters } from '../../ui/use-filters';
import { CreateSessionButton } from './create-session-form';
import { SESSION_STATUS_ORDER } from './session-actions';
import { SESSION_COLUMNS, timeslotText } from './session-columns';

const routes = apiContract.public.sessions;

const COLUMNS: Column<LabletSession>[] = [
  ...SESSION_COLUMNS,
  { header: 'Definition', cell: (session) => `${session.definition_name} ${session.definition_version}` },
  { header: 'Worker', cell: (session) => shortId(session.worker_id) },
  { header: 'Timeslot', cell: timeslotText },
];

export function SessionsPage() {
  const mayCall = useMayCall();
  const filters = useFilters({ status: [] as string[], owner: '', worker: '' });
  const { status, owner, worker } = filters.values;
  const filter = {
    status: status.length ? (status as LabletSessionStatus[]) : undefined,
    owner: trimmed(owner),
    worker_id: trimmed(worker),
    limit: MAX_PAGE_LIMIT,
  };
  const sessions = useContractQuery(queryKeys.list('sessions', filter), routes.listSessions, {
    query: filter,
  });
  return (
    <Page title="Sessions" actions={mayCall(routes.createSession) && <CreateSessionButton />}>
      <QueryState query={sessions}>
        {(page) => {
          const counts = countBy(page.items, (session) => session.status);
          return (
            <>
              <SimpleGrid cols={{ base: 2, sm: 4, lg: 6 }}>
                {SESSION_STATUS_ORDER.filter((one) => counts[one]).map((one) => (
                  <MetricCard
                    key={one}
                    label={one}
                    value={counts[one] ?? 0}
                    testId={`sessions-count-${one}`}
                  />
                ))}
                <MetricCard label="Shown" value={page.items.length} />
              </SimpleGrid>
              <FilterBar active={filters.active} onClear={filters.clear}>
                <MultiSelect
                  label="Status"
                  data={SESSION_STATUS_ORDER}
                  value={status}
                  onChange={filters.set('status')}
                  clearable
                  w={280}
                />
                <TextInput label="Candidate" {...filters.text('owner')} />
                <TextInput label="Worker id" {...filters.text('worker')} />
              </FilterBar>
              <DataTable
                striped
                highlightOnHover
                testId="sessions-table"
                rows={page.items}
                columns={COLUMNS}
                rowKey={(session) => session.id}
                rowAttributes={(session) => ({ 'data-session-id': session.id })}
              />
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
