import { Select, SimpleGrid, Tabs, Text, TextInput, Timeline } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { apiContract, type LabletSession, LabletSessionStatus, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { type Column, DataTable, FilterBar } from '../../ui/data-table';
import { countBy } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { trimmed, useFilters } from '../../ui/use-filters';
import { SESSION_COLUMNS, timeslotText } from '../sessions/session-columns';

const ENDED: LabletSessionStatus[] = ['STOPPED', 'ARCHIVED', 'EXPIRED', 'TERMINATED'];
/** Besides live events, the list refreshes on a timer so timeslots that start or end show up (spec §9 auto-refresh). */
const AUTO_REFRESH_MS = 30_000;

const COLUMNS: Column<LabletSession>[] = [
  { header: 'Reservation', cell: (session) => session.reservation_id },
  ...SESSION_COLUMNS,
  { header: 'Timeslot', cell: timeslotText },
];

function ReservationRows({ sessions }: { sessions: LabletSession[] }) {
  return (
    <DataTable
      striped
      testId="reservations-table"
      rows={sessions}
      columns={COLUMNS}
      rowKey={(session) => session.id}
    />
  );
}

/** Sessions booked by an external reservation (spec §9 Reservations). */
export function ReservationsPage() {
  const filters = useFilters({ reservation: '', status: null as string | null, search: '' });
  const { reservation, status, search } = filters.values;
  const [lookup] = useDebouncedValue(trimmed(reservation), 300);
  const filter = {
    reservation_id: lookup,
    status: status ? [status as LabletSessionStatus] : undefined,
    limit: MAX_PAGE_LIMIT,
  };
  const sessions = useContractQuery(
    queryKeys.list('sessions', filter),
    apiContract.public.sessions.listSessions,
    { query: filter },
    { refetchInterval: AUTO_REFRESH_MS },
  );
  return (
    <Page title="Reservations">
      <FilterBar active={filters.active} onClear={filters.clear}>
        <TextInput label="Reservation id" {...filters.text('reservation')} />
        <Select
          label="Status"
          data={LabletSessionStatus.options}
          value={status}
          onChange={filters.set('status')}
          clearable
        />
        <TextInput label="Search candidate" {...filters.text('search')} />
      </FilterBar>
      <QueryState query={sessions}>
        {(page) => {
          const wanted = search.trim().toLowerCase();
          const reserved = page.items.filter(
            (session) => session.reservation_id && (!wanted || session.owner.toLowerCase().includes(wanted)),
          );
          const active = reserved.filter((session) => !ENDED.includes(session.status));
          const counts = countBy(reserved, (session) =>
            ENDED.includes(session.status) ? 'ended' : 'active',
          );
          const byStart = [...reserved].sort((a, b) =>
            (a.timeslot_start ?? a.created_at).localeCompare(b.timeslot_start ?? b.created_at),
          );
          return (
            <>
              <SimpleGrid cols={{ base: 3 }}>
                <MetricCard label="Reservations" value={reserved.length} />
                <MetricCard label="Active" value={counts['active'] ?? 0} />
                <MetricCard label="Ended" value={counts['ended'] ?? 0} />
              </SimpleGrid>
              <Tabs defaultValue="active">
                <Tabs.List>
                  <Tabs.Tab value="active">Active</Tabs.Tab>
                  <Tabs.Tab value="all">All</Tabs.Tab>
                  <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="active" pt="sm">
                  <ReservationRows sessions={active} />
                </Tabs.Panel>
                <Tabs.Panel value="all" pt="sm">
                  <ReservationRows sessions={reserved} />
                </Tabs.Panel>
                <Tabs.Panel value="timeline" pt="sm">
                  <Timeline bulletSize={14}>
                    {byStart.map((session) => (
                      <Timeline.Item key={session.id} title={`${session.reservation_id} · ${session.owner}`}>
                        <Text size="xs" c="dimmed">
                          {timeslotText(session)} · {session.status}
                        </Text>
                      </Timeline.Item>
                    ))}
                  </Timeline>
                </Tabs.Panel>
              </Tabs>
              {reserved.length === 0 && (
                <Text c="dimmed">No sessions with a reservation id{lookup ? ` ${lookup}` : ''}.</Text>
              )}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
