import { Group, Select, SimpleGrid, Table, Tabs, Text, TextInput, Timeline } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { apiContract, type LabletSession, LabletSessionStatus, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { countBy, formatTime, shortId } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { AnchorLink } from '../../ui/anchor-link';

const ENDED: LabletSessionStatus[] = ['STOPPED', 'ARCHIVED', 'EXPIRED', 'TERMINATED'];
/** Besides live events, the list refreshes on a timer so timeslots that start or end show up (spec §9 auto-refresh). */
const AUTO_REFRESH_MS = 30_000;

function ReservationRows({ sessions }: { sessions: LabletSession[] }) {
  return (
    <Table striped data-testid="reservations-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Reservation</Table.Th>
          <Table.Th>Session</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Candidate</Table.Th>
          <Table.Th>Timeslot</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sessions.map((session) => (
          <Table.Tr key={session.id}>
            <Table.Td>{session.reservation_id}</Table.Td>
            <Table.Td>
              <AnchorLink to="/sessions/$sessionId" params={{ sessionId: session.id }}>
                {shortId(session.id)}
              </AnchorLink>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={session.status} />
            </Table.Td>
            <Table.Td>{session.owner}</Table.Td>
            <Table.Td>
              {session.timeslot_start ? formatTime(session.timeslot_start) : 'ASAP'} – {formatTime(session.timeslot_end)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Sessions booked by an external reservation (spec §9 Reservations). */
export function ReservationsPage() {
  const [reservationId, setReservationId] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [lookup] = useDebouncedValue(reservationId.trim(), 300);
  const filter = { ...(lookup ? { reservation_id: lookup } : {}), ...(status ? { status: [status] } : {}), limit: MAX_PAGE_LIMIT };
  const sessions = useContractQuery(
    queryKeys.list('sessions', filter),
    apiContract.public.sessions.listSessions,
    { query: { ...filter, status: status ? [status as LabletSessionStatus] : undefined } },
    { refetchInterval: AUTO_REFRESH_MS },
  );
  return (
    <Page title="Reservations">
      <Group align="end">
        <TextInput label="Reservation id" value={reservationId} onChange={(event) => setReservationId(event.currentTarget.value)} />
        <Select label="Status" data={LabletSessionStatus.options} value={status} onChange={setStatus} clearable />
        <TextInput label="Search candidate" value={search} onChange={(event) => setSearch(event.currentTarget.value)} />
      </Group>
      <QueryState query={sessions}>
        {(page) => {
          const reserved = page.items.filter(
            (session) => session.reservation_id && (!search.trim() || session.owner.toLowerCase().includes(search.trim().toLowerCase())),
          );
          const active = reserved.filter((session) => !ENDED.includes(session.status));
          const counts = countBy(reserved, (session) => (ENDED.includes(session.status) ? 'ended' : 'active'));
          const byStart = [...reserved].sort((a, b) => (a.timeslot_start ?? a.created_at).localeCompare(b.timeslot_start ?? b.created_at));
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
                          {session.timeslot_start ? formatTime(session.timeslot_start) : 'ASAP'} – {formatTime(session.timeslot_end)} · {session.status}
                        </Text>
                      </Timeline.Item>
                    ))}
                  </Timeline>
                </Tabs.Panel>
              </Tabs>
              {reserved.length === 0 && <Text c="dimmed">No sessions with a reservation id{lookup ? ` ${lookup}` : ''}.</Text>}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
