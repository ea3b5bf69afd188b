import { BarChart } from '@mantine/charts';
import { Button, Card, Group, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import {
  ADMIN_ROLES,
  apiContract,
  type CmlWorker,
  type LabRecordSummary,
  OPERATOR_ROLES,
} from '@lcm/contracts';
import { useState } from 'react';
import { hasAnyRole, useCurrentUser, useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { CapacityBars } from '../../ui/capacity-bars';
import { type Column, DataTable, FactsTable } from '../../ui/data-table';
import { formatTime } from '../../ui/format';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { RouteActionButton } from '../../ui/route-action-button';
import { AnchorLink } from '../../ui/anchor-link';
import { StatusBadge } from '../../ui/status-badge';
import { AuditTable } from '../audit/audit-table';

const routes = apiContract.public.workers;

/** Start, stop, drain, cancel drain, terminate and refresh, each only where the status allows it. */
function WorkerActions({ worker }: { worker: CmlWorker }) {
  const params = { worker_id: worker.id };
  const live = worker.status !== 'TERMINATED' && worker.status !== 'SHUTTING_DOWN';
  return (
    <Group gap="xs" data-testid="worker-actions">
      {live && worker.desired_status !== 'running' && (
        <RouteActionButton
          route={routes.startWorker}
          input={{ params }}
          label="Start"
          success="Start requested"
          resource="workers"
        />
      )}
      {live && worker.desired_status === 'running' && (
        <RouteActionButton
          route={routes.stopWorker}
          input={{ params }}
          label="Stop"
          success="Stop requested"
          resource="workers"
          color="grape"
          confirm="Stop this worker? Sessions on it lose their labs."
        />
      )}
      {worker.status === 'RUNNING' && (
        <RouteActionButton
          route={routes.drainWorker}
          input={(reason) => ({ params, body: { reason } })}
          label="Drain"
          success="Worker draining"
          resource="workers"
          color="grape"
          confirm="Drain this worker? It takes no new sessions; running ones finish."
          askReason
          reasonRequired
        />
      )}
      {worker.status === 'DRAINING' && (
        <RouteActionButton
          route={routes.cancelDrain}
          input={{ params }}
          label="Cancel drain"
          success="Drain cancelled"
          resource="workers"
        />
      )}
      {live && (
        <RouteActionButton
          route={routes.refreshWorker}
          input={{ params }}
          label="Refresh"
          success="Refresh requested"
        />
      )}
      {live && (
        <RouteActionButton
          route={routes.terminateWorker}
          input={{ params }}
          label="Terminate"
          success="Termination requested"
          resource="workers"
          color="red"
          variant="outline"
          confirm="Terminate this worker? The EC2 instance is destroyed and its sessions are terminated."
        />
      )}
    </Group>
  );
}

function LicenceControls({ worker }: { worker: CmlWorker }) {
  const [token, setToken] = useState('');
  const params = { worker_id: worker.id };
  return (
    <Group align="end" gap="xs">
      <TextInput
        label="Licence token"
        value={token}
        onChange={(event) => setToken(event.currentTarget.value)}
      />
      <RouteActionButton
        route={routes.registerLicense}
        input={{ params, body: { token, reregister: worker.license?.status === 'REGISTERED' } }}
        label="Register licence"
        success="Licence registration requested"
        resource="workers"
        disabled={!token}
      />
      <RouteActionButton
        route={routes.deregisterLicense}
        input={{ params }}
        label="Deregister licence"
        success="Licence deregistration requested"
        resource="workers"
        color="red"
        confirm="Deregister the CML licence of this worker?"
      />
    </Group>
  );
}

const ACTIVITY_COLUMNS: Column<CmlWorker['recent_activity_events'][number]>[] = [
  { header: 'Recent activity', cell: (event) => event.type },
  { header: 'At', cell: (event) => formatTime(event.at) },
];

const LAB_COLUMNS: Column<LabRecordSummary>[] = [
  { header: 'Lab', cell: (lab) => lab.title },
  { header: 'Status', cell: (lab) => <StatusBadge status={lab.status} /> },
  { header: 'CML id', cell: (lab) => lab.runtime_binding.lab_id },
];

function MonitoringTab({ worker }: { worker: CmlWorker }) {
  const params = { worker_id: worker.id };
  const idle = useContractQuery(queryKeys.view('worker', worker.id, 'idle'), routes.getIdleStatus, {
    params,
  });
  const metrics = [
    { metric: 'CPU %', value: worker.cloudwatch.cpu_utilization ?? 0 },
    { metric: 'Memory %', value: worker.cloudwatch.memory_utilization ?? 0 },
  ];
  return (
    <Stack>
      <BarChart
        h={180}
        data={metrics}
        dataKey="metric"
        series={[{ name: 'value', label: 'Utilisation', color: 'blue.6' }]}
        yAxisProps={{ domain: [0, 100] }}
      />
      <FactsTable
        rows={[
          ['Idle detection', worker.is_idle_detection_enabled ? 'on' : 'off'],
          ['Idle now', idle.data ? (idle.data.is_idle ? 'yes' : 'no') : '—'],
          ['Pause planned at', formatTime(idle.data?.target_pause_at)],
          ['Last activity', formatTime(worker.last_activity_at)],
          ['Pauses (auto / manual)', `${worker.auto_pause_count} / ${worker.manual_pause_count}`],
          ['Resumes (auto / manual)', `${worker.auto_resume_count} / ${worker.manual_resume_count}`],
          ['Detailed monitoring', worker.cloudwatch.detailed_monitoring_enabled ? 'on' : 'off'],
        ]}
      />
      <Group gap="xs">
        {worker.is_idle_detection_enabled ? (
          <RouteActionButton
            route={routes.disableIdleDetection}
            input={{ params }}
            label="Disable idle detection"
            success="Idle detection off"
            resource="workers"
          />
        ) : (
          <RouteActionButton
            route={routes.enableIdleDetection}
            input={{ params }}
            label="Enable idle detection"
            success="Idle detection on"
            resource="workers"
          />
        )}
        <RouteActionButton
          route={routes.setMonitoring}
          input={{
            params,
            body: { detailed_monitoring_enabled: !worker.cloudwatch.detailed_monitoring_enabled },
          }}
          label={
            worker.cloudwatch.detailed_monitoring_enabled
              ? 'Disable detailed monitoring'
              : 'Enable detailed monitoring'
          }
          success="Monitoring changed"
          resource="workers"
        />
      </Group>
      <DataTable
        rows={worker.recent_activity_events}
        columns={ACTIVITY_COLUMNS}
        rowKey={(event) => `${event.type}-${event.at}`}
      />
    </Stack>
  );
}

function LabsTab({ workerId }: { workerId: string }) {
  const labs = useContractQuery(queryKeys.view('worker', workerId, 'labs'), routes.listWorkerLabs, {
    params: { worker_id: workerId },
  });
  const sessions = useContractQuery(
    queryKeys.view('worker', workerId, 'sessions'),
    routes.listWorkerSessions,
    { params: { worker_id: workerId } },
  );
  return (
    <Stack>
      <QueryState query={labs}>
        {(page) => (
          <DataTable
            rows={page.items}
            columns={LAB_COLUMNS}
            rowKey={(lab) => lab.id}
            empty="No labs on this worker."
          />
        )}
      </QueryState>
      <QueryState query={sessions}>
        {(page) => (
          <Text size="sm">
            Sessions holding this worker:{' '}
            {page.items.length
              ? page.items.map((session) => (
                  <AnchorLink
                    key={session.id}
                    to="/sessions/$sessionId"
                    params={{ sessionId: session.id }}
                    mr="xs"
                  >
                    {session.id.slice(0, 8)}
                  </AnchorLink>
                ))
              : 'none'}
          </Text>
        )}
      </QueryState>
    </Stack>
  );
}

/** Tag rows being edited; a blank key is a row not filled in yet and is not sent. */
interface TagRow {
  key: string;
  value: string;
}

/**
 * The EC2 tags of spec §9 (AWS tab). Operators replace them through PUT /workers/{id}/tags and the
 * worker-controller applies them to the instance; other roles see them read-only.
 */
function TagsEditor({ worker }: { worker: CmlWorker }) {
  const mayCall = useMayCall();
  const [rows, setRows] = useState<TagRow[]>(
    Object.entries(worker.aws_tags).map(([key, value]) => ({ key, value })),
  );
  const tags = Object.fromEntries(
    rows.filter((row) => row.key.trim()).map((row) => [row.key.trim(), row.value]),
  );
  const removed = Object.keys(worker.aws_tags).filter((key) => !(key in tags));
  const change = (index: number, field: keyof TagRow, text: string): void =>
    setRows((current) => current.map((row, at) => (at === index ? { ...row, [field]: text } : row)));
  return (
    <Card withBorder data-testid="worker-tags">
      <Title order={2} size="h5" mb="xs">
        EC2 tags
      </Title>
      {!mayCall(routes.updateTags) ? (
        <DataTable
          rows={Object.entries(worker.aws_tags)}
          columns={[
            { header: 'Key', cell: ([key]) => key },
            { header: 'Value', cell: ([, value]) => value },
          ]}
          rowKey={([key]) => key}
          empty="No tags."
        />
      ) : (
        <Stack gap="xs">
          {rows.map((row, index) => (
            <Group key={index} gap="xs" align="end">
              <TextInput
                aria-label={`Tag ${index + 1} key`}
                placeholder="key"
                value={row.key}
                onChange={(event) => change(index, 'key', event.currentTarget.value)}
              />
              <TextInput
                aria-label={`Tag ${index + 1} value`}
                placeholder="value"
                value={row.value}
                onChange={(event) => change(index, 'value', event.currentTarget.value)}
              />
              <Button
                size="xs"
                variant="default"
                onClick={() => setRows((current) => current.filter((_, at) => at !== index))}
              >
                Remove tag {index + 1}
              </Button>
            </Group>
          ))}
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              onClick={() => setRows((current) => [...current, { key: '', value: '' }])}
            >
              Add tag
            </Button>
            <RouteActionButton
              route={routes.updateTags}
              input={{ params: { worker_id: worker.id }, body: { tags } }}
              label="Save tags"
              success="Tags saved; the worker-controller applies them to the instance"
              resource="workers"
              confirm={
                removed.length ? `Remove the tags ${removed.join(', ')} from the instance?` : undefined
              }
              color={removed.length ? 'red' : undefined}
            />
          </Group>
          <Text size="xs" c="dimmed">
            Saving replaces every tag of the instance; the worker-controller applies them to EC2.
          </Text>
        </Stack>
      )}
    </Card>
  );
}

/**
 * The worker's own CML web UI (spec §9), for operators. The browser shows it in the frame only when
 * the control plane lists its origin in CSP_FRAME_SOURCES (docs/architecture.md) and CML allows
 * framing, so Open CML is always offered beside it.
 */
function CmlFrame({ worker }: { worker: CmlWorker }) {
  if (!worker.https_endpoint)
    return (
      <Text c="dimmed">No CML address yet: the worker-controller reports it once the instance runs.</Text>
    );
  return (
    <Card withBorder data-testid="cml-frame">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          CML
        </Title>
        <Button size="xs" component="a" href={worker.https_endpoint} target="_blank" rel="noreferrer">
          Open CML
        </Button>
      </Group>
      <iframe
        src={worker.https_endpoint}
        title={`CML of worker ${worker.name}`}
        style={{ width: '100%', height: 480, border: 0 }}
      />
    </Card>
  );
}

export function WorkerDetailPage() {
  const { workerId } = useParams({ from: '/workers/$workerId' });
  const user = useCurrentUser();
  const worker = useContractQuery(queryKeys.detail('workers', workerId), routes.getWorker, {
    params: { worker_id: workerId },
  });
  return (
    <QueryState query={worker}>
      {(current) => (
        <Page
          title={`Worker ${current.name}`}
          actions={
            <span data-testid="worker-status">
              <StatusBadge status={current.status} />
            </span>
          }
        >
          <WorkerActions worker={current} />
          <Card withBorder>
            <CapacityBars declared={current.declared_capacity} allocated={current.allocated_capacity} />
          </Card>
          <Tabs defaultValue="aws" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="aws">AWS</Tabs.Tab>
              <Tabs.Tab value="cml">CML</Tabs.Tab>
              <Tabs.Tab value="labs">Labs</Tabs.Tab>
              {hasAnyRole(user, OPERATOR_ROLES) && <Tabs.Tab value="monitoring">Monitoring</Tabs.Tab>}
              {hasAnyRole(user, ADMIN_ROLES) && <Tabs.Tab value="events">Events</Tabs.Tab>}
            </Tabs.List>
            <Tabs.Panel value="aws" pt="sm">
              <FactsTable
                rows={[
                  ['Region', current.aws_region],
                  ['Instance', current.aws_instance_id],
                  ['Type', current.instance_type],
                  ['AMI', current.ami_name ?? current.ami_id],
                  ['Public IP', current.public_ip],
                  ['Private IP', current.private_ip],
                  ['EC2 state', current.ec2_instance_state_detail],
                  ['Desired status', current.desired_status],
                ]}
              />
              <TagsEditor key={JSON.stringify(current.aws_tags)} worker={current} />
            </Tabs.Panel>
            <Tabs.Panel value="cml" pt="sm">
              <FactsTable
                rows={[
                  ['Service', <StatusBadge key="service" status={current.service_status} />],
                  ['Endpoint', current.https_endpoint],
                  ['CML version', current.metrics?.version],
                  ['Labs', current.metrics?.labs_count],
                  [
                    'Licence',
                    current.license
                      ? `${current.license.status}${current.license.operation_in_progress ? ` (${current.license.operation_in_progress} in progress)` : ''}`
                      : 'unknown',
                  ],
                  ['Last synced', formatTime(current.metrics?.last_synced_at)],
                ]}
              />
              <LicenceControls worker={current} />
              {hasAnyRole(user, OPERATOR_ROLES) && <CmlFrame worker={current} />}
            </Tabs.Panel>
            <Tabs.Panel value="labs" pt="sm">
              <LabsTab workerId={current.id} />
            </Tabs.Panel>
            <Tabs.Panel value="monitoring" pt="sm">
              <MonitoringTab worker={current} />
            </Tabs.Panel>
            <Tabs.Panel value="events" pt="sm">
              <AuditTable filter={{ target_id: current.id }} />
            </Tabs.Panel>
          </Tabs>
        </Page>
      )}
    </QueryState>
  );
}
