import { Button, Group, MultiSelect, SimpleGrid, Table, TextInput } from '@mantine/core';
import { apiContract, type LabletSessionStatus, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { countBy, formatTime, shortId } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { AnchorLink } from '../../ui/anchor-link';
import { CreateSessionButton } from './create-session-form';
import { SESSION_STATUS_ORDER } from './session-actions';

const routes = apiContract.public.sessions;

export function SessionsPage() {
  const mayCall = useMayCall();
  const [statuses, setStatuses] = useState<string[]>([]);
  const [owner, setOwner] = useState('');
  const [workerId, setWorkerId] = useState('');
  const filter = {
    ...(statuses.length ? { status: statuses } : {}),
    ...(owner.trim() ? { owner: owner.trim() } : {}),
    ...(workerId.trim() ? { worker_id: workerId.trim() } : {}),
    limit: MAX_PAGE_LIMIT,
  };
  const sessions = useContractQuery(queryKeys.list('sessions', filter), routes.listSessions, {
    query: { ...filter, status: statuses.length ? (statuses as LabletSessionStatus[]) : undefined },
  });
  return (
    <Page title="Sessions" actions={mayCall(routes.createSession) && <CreateSessionButton />}>
      <QueryState query={sessions}>
        {(page) => {
          const counts = countBy(page.items, (session) => session.status);
          return (
            <>
              <SimpleGrid cols={{ base: 2, sm: 4, lg: 6 }}>
                {SESSION_STATUS_ORDER.filter((status) => counts[status]).map((status) => (
                  <MetricCard key={status} label={status} value={counts[status] ?? 0} testId={`sessions-count-${status}`} />
                ))}
                <MetricCard label="Shown" value={page.items.length} />
              </SimpleGrid>
              <Group align="end">
                <MultiSelect
                  label="Status"
                  data={SESSION_STATUS_ORDER}
                  value={statuses}
                  onChange={setStatuses}
                  clearable
                  w={280}
                />
                <TextInput label="Candidate" value={owner} onChange={(event) => setOwner(event.currentTarget.value)} />
                <TextInput label="Worker id" value={workerId} onChange={(event) => setWorkerId(event.currentTarget.value)} />
                {(statuses.length > 0 || owner || workerId) && (
                  <Button variant="subtle" onClick={() => (setStatuses([]), setOwner(''), setWorkerId(''))}>
                    Clear filters
                  </Button>
                )}
              </Group>
              <Table striped highlightOnHover data-testid="sessions-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Session</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Candidate</Table.Th>
                    <Table.Th>Definition</Table.Th>
                    <Table.Th>Worker</Table.Th>
                    <Table.Th>Timeslot</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.items.map((session) => (
                    <Table.Tr key={session.id} data-session-id={session.id}>
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
                        {session.definition_name} {session.definition_version}
                      </Table.Td>
                      <Table.Td>{shortId(session.worker_id)}</Table.Td>
                      <Table.Td>
                        {session.timeslot_start ? formatTime(session.timeslot_start) : 'ASAP'} – {formatTime(session.timeslot_end)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
