import { BarChart } from '@mantine/charts';
import { Card, Group, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { ADMIN_ROLES, apiContract, type CmlWorker, OPERATOR_ROLES } from '@lcm/contracts';
import { type ReactNode, useState } from 'react';
import { hasAnyRole, useCurrentUser } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { CapacityBars } from '../../ui/capacity-bars';
import { formatTime } from '../../ui/format';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { RouteActionButton } from '../../ui/route-action-button';
import { AnchorLink } from '../../ui/anchor-link';
import { StatusBadge } from '../../ui/status-badge';
import { AuditTable } from '../audit/audit-table';

const routes = apiContract.public.workers;

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <Table>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={200}>{label}</Table.Th>
            <Table.Td>{value ?? '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Start, stop, drain, cancel drain, terminate and refresh, each only where the status allows it. */
function WorkerActions({ worker }: { worker: CmlWorker }) {
  const params = { worker_id: worker.id };
  const live = worker.status !== 'TERMINATED' && worker.status !== 'SHUTTING_DOWN';
  return (
    <Group gap="xs" data-testid="worker-actions">
      {live && worker.desired_status !== 'running' && (
        <RouteActionButton route={routes.startWorker} input={{ params }} label="Start" success="Start requested" resource="workers" />
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
        <RouteActionButton route={routes.cancelDrain} input={{ params }} label="Cancel drain" success="Drain cancelled" resource="workers" />
      )}
      {live && (
        <RouteActionButton route={routes.refreshWorker} input={{ params }} label="Refresh" success="Refresh requested" />
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
      <TextInput label="Licence token" value={token} onChange={(event) => setToken(event.currentTarget.value)} />
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

function MonitoringTab({ worker }: { worker: CmlWorker }) {
  const params = { worker_id: worker.id };
  const idle = useContractQuery(queryKeys.view('worker', worker.id, 'idle'), routes.getIdleStatus, { params });
  const metrics = [
    { metric: 'CPU %', value: worker.cloudwatch.cpu_utilization ?? 0 },
    { metric: 'Memory %', value: worker.cloudwatch.memory_utilization ?? 0 },
  ];
  return (
    <Stack>
      <BarChart h={180} data={metrics} dataKey="metric" series={[{ name: 'value', label: 'Utilisation', color: 'blue.6' }]} yAxisProps={{ domain: [0, 100] }} />
      <Facts
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
          <RouteActionButton route={routes.disableIdleDetection} input={{ params }} label="Disable idle detection" success="Idle detection off" resource="workers" />
        ) : (
          <RouteActionButton route={routes.enableIdleDetection} input={{ params }} label="Enable idle detection" success="Idle detection on" resource="workers" />
        )}
        <RouteActionButton
          route={routes.setMonitoring}
          input={{ params, body: { detailed_monitoring_enabled: !worker.cloudwatch.detailed_monitoring_enabled } }}
          label={worker.cloudwatch.detailed_monitoring_enabled ? 'Disable detailed monitoring' : 'Enable detailed monitoring'}
          success="Monitoring changed"
          resource="workers"
        />
      </Group>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Recent activity</Table.Th>
            <Table.Th>At</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {worker.recent_activity_events.map((event) => (
            <Table.Tr key={`${event.type}-${event.at}`}>
              <Table.Td>{event.type}</Table.Td>
              <Table.Td>{formatTime(event.at)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function LabsTab({ workerId }: { workerId: string }) {
  const labs = useContractQuery(queryKeys.view('worker', workerId, 'labs'), routes.listWorkerLabs, { params: { worker_id: workerId } });
  const sessions = useContractQuery(queryKeys.view('worker', workerId, 'sessions'), routes.listWorkerSessions, { params: { worker_id: workerId } });
  return (
    <Stack>
      <QueryState query={labs}>
        {(page) => (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Lab</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>CML id</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.items.map((lab) => (
                <Table.Tr key={lab.id}>
                  <Table.Td>{lab.title}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={lab.status} />
                  </Table.Td>
                  <Table.Td>{lab.runtime_binding.lab_id}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      <QueryState query={sessions}>
        {(page) => (
          <Text size="sm">
            Sessions holding this worker:{' '}
            {page.items.length
              ? page.items.map((session) => (
                  <AnchorLink key={session.id} to="/sessions/$sessionId" params={{ sessionId: session.id }} mr="xs">
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

export function WorkerDetailPage() {
  const { workerId } = useParams({ from: '/workers/$workerId' });
  const user = useCurrentUser();
  const worker = useContractQuery(queryKeys.detail('workers', workerId), routes.getWorker, { params: { worker_id: workerId } });
  return (
    <QueryState query={worker}>
      {(current) => (
        <Page title={`Worker ${current.name}`} actions={<span data-testid="worker-status"><StatusBadge status={current.status} /></span>}>
          <WorkerActions worker={current} />
          <Card withBorder>
            <CapacityBars declared={current.declared_capacity} allocated={current.allocated_capacity} />
          </Card>
          <Tabs defaultValue="aws">
            <Tabs.List>
              <Tabs.Tab value="aws">AWS</Tabs.Tab>
              <Tabs.Tab value="cml">CML</Tabs.Tab>
              <Tabs.Tab value="labs">Labs</Tabs.Tab>
              {hasAnyRole(user, OPERATOR_ROLES) && <Tabs.Tab value="monitoring">Monitoring</Tabs.Tab>}
              {hasAnyRole(user, ADMIN_ROLES) && <Tabs.Tab value="events">Events</Tabs.Tab>}
            </Tabs.List>
            <Tabs.Panel value="aws" pt="sm">
              <Facts
                rows={[
                  ['Region', current.aws_region],
                  ['Instance', current.aws_instance_id],
                  ['Type', current.instance_type],
                  ['AMI', current.ami_name ?? current.ami_id],
                  ['Public IP', current.public_ip],
                  ['Private IP', current.private_ip],
                  ['EC2 state', current.ec2_instance_state_detail],
                  ['Desired status', current.desired_status],
                  ['Tags', Object.entries(current.aws_tags).map(([key, value]) => `${key}=${value}`).join(', ')],
                ]}
              />
            </Tabs.Panel>
            <Tabs.Panel value="cml" pt="sm">
              <Facts
                rows={[
                  ['Service', <StatusBadge key="service" status={current.service_status} />],
                  ['Endpoint', current.https_endpoint],
                  ['CML version', current.metrics?.version],
                  ['Labs', current.metrics?.labs_count],
                  ['Licence', current.license ? `${current.license.status}${current.license.operation_in_progress ? ` (${current.license.operation_in_progress} in progress)` : ''}` : 'unknown'],
                  ['Last synced', formatTime(current.metrics?.last_synced_at)],
                ]}
              />
              <LicenceControls worker={current} />
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
