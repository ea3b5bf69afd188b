import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { apiContract, type PendingPlacement } from '@lcm/contracts';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { formatTime, shortId } from '../../ui/format';
import { type Column, DataTable } from '../../ui/data-table';
import { MetricCard } from '../../ui/metric-card';
import { AnchorLink } from '../../ui/anchor-link';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { RouteActionButton } from '../../ui/route-action-button';
import { rejectionBreakdown } from './rejection-breakdown';

const routes = apiContract.public.system;
/** The scheduler's view is not pushed over SSE; it is polled while the page is open. */
const POLL_MS = 5_000;

const PLACEMENT_COLUMNS: Column<PendingPlacement>[] = [
  {
    header: 'Session',
    cell: (placement) => (
      <AnchorLink to="/sessions/$sessionId" params={{ sessionId: placement.lablet_session_id }}>
        {shortId(placement.lablet_session_id)}
      </AnchorLink>
    ),
  },
  {
    header: 'Timeslot',
    cell: (placement) => (placement.timeslot_start ? formatTime(placement.timeslot_start) : 'ASAP'),
  },
  {
    header: 'Why not placed',
    cell: (placement) => (
      <>
        {placement.unschedulable && (
          <Badge variant="light" color="red">
            no template fits
          </Badge>
        )}
        {placement.worker_rejections.map((rejection) => (
          <Text size="sm" key={rejection.worker_id} data-testid="rejection-reason">
            {shortId(rejection.worker_id)}: {rejection.category} — {rejection.reason}
          </Text>
        ))}
        {!placement.unschedulable && placement.worker_rejections.length === 0 && (
          <Text size="sm">no worker yet</Text>
        )}
      </>
    ),
  },
  { header: 'Last attempt', cell: (placement) => formatTime(placement.last_attempt_at) },
];

export function SchedulerPage() {
  const status = useContractQuery(
    queryKeys.view('scheduler', 'status'),
    routes.getSchedulerStatus,
    {},
    { refetchInterval: POLL_MS },
  );
  const pending = useContractQuery(
    queryKeys.view('scheduler', 'pending'),
    routes.listPendingPlacements,
    {},
    { refetchInterval: POLL_MS },
  );
  const refresh = [queryKeys.view('scheduler', 'status'), queryKeys.view('scheduler', 'pending')];
  return (
    <Page
      title="Scheduler"
      actions={
        <>
          <RouteActionButton
            route={routes.triggerSchedulerReconcile}
            input={{}}
            label="Trigger reconcile"
            success="Placement pass requested"
            size="sm"
            refresh={refresh}
          />
          <RouteActionButton
            route={routes.resignSchedulerLeadership}
            input={{}}
            label="Resign leadership"
            success="Leader asked to resign"
            refresh={refresh}
            color="red"
            size="sm"
            confirm="Make the scheduler leader resign? Another replica takes over within the lease TTL."
          />
        </>
      }
    >
      <QueryState query={status}>
        {(current) => (
          <>
            <SimpleGrid cols={{ base: 2, md: 4 }}>
              <MetricCard label="Leader" value={current.leader.replica_id ?? 'none'} />
              <MetricCard label="Pending" value={current.pending_count} />
              <MetricCard label="Scale-ups requested" value={current.scale_ups_requested} />
              <MetricCard label="Last pass" value={formatTime(current.last_pass_at)} />
            </SimpleGrid>
            <Group gap="xs">
              <Text size="sm">Leader since {formatTime(current.leader.since)}</Text>
              <Badge>{current.is_leader ? 'answered by the leader' : 'answered by a follower'}</Badge>
              <Text size="sm">
                Policy: lead window {current.policy.lead_window_minutes} min, resync every{' '}
                {current.policy.resync_seconds} s
              </Text>
              {Object.entries(current.decisions).map(([decision, count]) => (
                <Badge key={decision} variant="outline">
                  {decision}: {count}
                </Badge>
              ))}
            </Group>
          </>
        )}
      </QueryState>
      <QueryState query={pending}>
        {(page) => (
          <Stack>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Rejections by filter
              </Title>
              <BarChart
                h={200}
                data={rejectionBreakdown(page.items)}
                dataKey="category"
                series={[{ name: 'rejections', color: 'orange.6' }]}
              />
            </Card>
            <DataTable
              testId="pending-placements"
              rows={page.items}
              columns={PLACEMENT_COLUMNS}
              rowKey={(placement) => placement.lablet_session_id}
            />
            {page.items.length === 0 && <Text c="dimmed">Nothing is waiting for placement.</Text>}
          </Stack>
        )}
      </QueryState>
    </Page>
  );
}
