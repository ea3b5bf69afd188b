import { Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { apiContract, type LabletSession } from '@lcm/contracts';
import { type ReactNode } from 'react';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { FactsTable } from '../../ui/data-table';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { AnchorLink } from '../../ui/anchor-link';
import { StatusTimeline } from '../../ui/status-timeline';
import { GradingPanel } from './grading-panel';
import { LdsPanel } from './lds-panel';
import { SessionActions } from './session-action-buttons';
import { timeslotText } from './session-columns';

const routes = apiContract.public.sessions;

function Facts({ session }: { session: LabletSession }) {
  const rows: [string, ReactNode][] = [
    ['Candidate', session.owner],
    ['Definition', `${session.definition_name} ${session.definition_version}`],
    ['Reservation', session.reservation_id ?? '—'],
    ['Timeslot', timeslotText(session)],
    [
      'Worker',
      session.worker_id ? (
        <AnchorLink to="/workers/$workerId" params={{ workerId: session.worker_id }}>
          {session.worker_id}
        </AnchorLink>
      ) : (
        'not placed'
      ),
    ],
    ['Lab record', session.lab_record_id ?? '—'],
    ['CML lab', session.cml_lab_id ?? '—'],
    ['Grade', session.grade_result ?? '—'],
    [
      'Ports',
      Object.entries(session.allocated_ports)
        .map(([name, port]) => `${name}:${port}`)
        .join(', ') || '—',
    ],
  ];
  return <FactsTable rows={rows} labelWidth={140} />;
}

export function SessionDetailPage() {
  const { sessionId } = useParams({ from: '/sessions/$sessionId' });
  const session = useContractQuery(queryKeys.detail('sessions', sessionId), routes.getSession, {
    params: { lablet_session_id: sessionId },
  });
  return (
    <QueryState query={session}>
      {(current) => (
        <Page
          title={`Session ${current.id.slice(0, 8)}`}
          actions={
            <Group>
              <span data-testid="session-status">
                <StatusBadge status={current.status} />
              </span>
            </Group>
          }
        >
          <SessionActions session={current} />
          <Grid>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack>
                <Card withBorder>
                  <Title order={2} size="h4" mb="xs">
                    Session
                  </Title>
                  <Facts session={current} />
                </Card>
                <LdsPanel sessionId={current.id} status={current.status} />
                <GradingPanel session={current} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Card withBorder>
                <Title order={2} size="h4" mb="xs">
                  Status timeline
                </Title>
                {current.status_history.length ? (
                  <StatusTimeline history={current.status_history} />
                ) : (
                  <Text c="dimmed">No changes yet</Text>
                )}
              </Card>
            </Grid.Col>
          </Grid>
        </Page>
      )}
    </QueryState>
  );
}
