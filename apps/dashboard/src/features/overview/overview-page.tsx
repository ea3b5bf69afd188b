import { Button, Card, Group, Progress, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { ADMIN_ROLES, apiContract, type LabletSession, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { hasAnyRole, useCurrentUser } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { countBy, formatTime } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { AuditTable } from '../audit/audit-table';
import { fleetCapacity } from '../capacity/fleet-capacity';
import { SESSION_STATUS_ORDER, statusesBetween } from '../sessions/session-actions';
import { SESSION_COLUMNS } from '../sessions/session-columns';

/** Sessions that hold or will hold resources. */
const ACTIVE = statusesBetween('PENDING', 'STOPPING');
/** Dark shades, so the white labels inside the bar stay readable. */
const CHART_COLORS = [
  'blue.9',
  'teal.9',
  'green.9',
  'violet.9',
  'grape.9',
  'red.9',
  'gray.8',
  'indigo.9',
  'cyan.9',
  'pink.9',
  'dark.6',
];

/** Recently changed sessions, for those who may not read the audit log. */
const RECENT_COLUMNS: Column<LabletSession>[] = [
  ...SESSION_COLUMNS.map(({ cell }) => ({ cell })),
  { cell: (session) => formatTime(session.updated_at) },
];

export function OverviewPage() {
  const user = useCurrentUser();
  const filter = { limit: MAX_PAGE_LIMIT };
  const sessions = useContractQuery(
    queryKeys.list('sessions', filter),
    apiContract.public.sessions.listSessions,
    { query: filter },
  );
  const workers = useContractQuery(
    queryKeys.list('workers', filter),
    apiContract.public.workers.listWorkers,
    { query: filter },
  );
  return (
    <Page
      title="Overview"
      actions={
        <>
          <Button component={Link} to="/sessions" variant="light">
            Sessions
          </Button>
          <Button component={Link} to="/workers" variant="light">
            Workers
          </Button>
          <Button component={Link} to="/scheduler" variant="light">
            Scheduler
          </Button>
        </>
      }
    >
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <QueryState query={workers}>
          {(page) => {
            const fleet = fleetCapacity(page.items);
            return (
              <Card withBorder>
                <Title order={2} size="h4" mb="xs">
                  Fleet
                </Title>
                <SimpleGrid cols={3}>
                  <MetricCard label="Workers" value={page.items.length} testId="overview-workers" />
                  <MetricCard
                    label="Running"
                    value={page.items.filter((worker) => worker.status === 'RUNNING').length}
                  />
                  <MetricCard label="CPU free" value={fleet.declared.cpu_cores - fleet.allocated.cpu_cores} />
                </SimpleGrid>
              </Card>
            );
          }}
        </QueryState>
        <QueryState query={sessions}>
          {(page) => {
            const counts = countBy(page.items, (session) => session.status);
            return (
              <Card withBorder>
                <Title order={2} size="h4" mb="xs">
                  Sessions
                </Title>
                <Group align="center">
                  <Stack gap="xs">
                    <MetricCard
                      label="Active"
                      value={page.items.filter((session) => ACTIVE.includes(session.status)).length}
                      testId="overview-active-sessions"
                    />
                    <MetricCard label="Running" value={counts['RUNNING'] ?? 0} />
                  </Stack>
                  <Progress.Root size={28} style={{ flex: 1 }}>
                    {SESSION_STATUS_ORDER.filter((status) => counts[status]).map((status, index) => (
                      <Tooltip key={status} label={`${status}: ${counts[status]}`}>
                        <Progress.Section
                          value={((counts[status] ?? 0) / page.items.length) * 100}
                          color={CHART_COLORS[index % CHART_COLORS.length]}
                          aria-label={`${status} sessions`}
                        >
                          <Progress.Label>{status}</Progress.Label>
                        </Progress.Section>
                      </Tooltip>
                    ))}
                  </Progress.Root>
                </Group>
              </Card>
            );
          }}
        </QueryState>
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Recent activity
        </Title>
        {hasAnyRole(user, ADMIN_ROLES) ? (
          <AuditTable filter={{}} />
        ) : (
          <QueryState query={sessions}>
            {(page) => (
              <DataTable
                rows={[...page.items].sort((a, b) => b.updated_at.localeCompare(a.updated_at)).slice(0, 10)}
                columns={RECENT_COLUMNS}
                rowKey={(session) => session.id}
              />
            )}
          </QueryState>
        )}
        {sessions.data?.items.length === 0 && <Text c="dimmed">No sessions yet.</Text>}
      </Card>
    </Page>
  );
}
