import { Button, Code, Group, Modal, Tabs, Text } from '@mantine/core';
import { apiContract, type LabRecordSummary, type LabRevision } from '@lcm/contracts';
import { useState } from 'react';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { formatTime } from '../../ui/format';
import { QueryState } from '../../ui/query-state';
import { RouteActionButton } from '../../ui/route-action-button';
import { AnchorLink } from '../../ui/anchor-link';
import { StatusBadge } from '../../ui/status-badge';
import { labActionEnabled } from './lab-actions';

const routes = apiContract.public.labRecords;

function LabActions({ lab }: { lab: LabRecordSummary }) {
  const params = { lab_record_id: lab.id };
  const [exported, setExported] = useState<string>();
  const exportLab = useContractAction(routes.exportLab, {
    success: 'Lab exported',
    onDone: (result) => setExported(result.topology_yaml),
  });
  const lifecycle = [
    { action: 'start', route: routes.startLab, label: 'Start', confirm: undefined },
    { action: 'stop', route: routes.stopLab, label: 'Stop', confirm: 'Stop this lab? Its nodes shut down.' },
    { action: 'wipe', route: routes.wipeLab, label: 'Wipe', confirm: 'Wipe this lab? Node state is erased.' },
    {
      action: 'delete',
      route: routes.deleteLab,
      label: 'Delete',
      confirm: 'Delete this lab from its worker?',
    },
  ] as const;
  return (
    <>
      <Group gap="xs" data-testid="lab-actions">
        {lifecycle
          .filter(({ action }) => labActionEnabled(action, lab))
          .map(({ action, route, label, confirm }) => (
            <RouteActionButton
              key={action}
              route={route}
              input={{ params }}
              label={label}
              success={`${label} requested`}
              resource="labs"
              confirm={confirm}
              color={confirm ? 'red' : undefined}
            />
          ))}
        {labActionEnabled('clone', lab) && (
          <RouteActionButton
            route={routes.cloneLab}
            input={{ params, body: {} }}
            label="Clone"
            success="Lab cloned"
            resource="labs"
          />
        )}
        {labActionEnabled('export', lab) && (
          <Button
            size="xs"
            variant="light"
            loading={exportLab.isPending}
            onClick={() => exportLab.mutate({ params })}
          >
            Export
          </Button>
        )}
        {labActionEnabled('archive', lab) && (
          <RouteActionButton
            route={routes.archiveLab}
            input={{ params }}
            label="Archive"
            success="Lab archived"
            resource="labs"
            color="red"
            confirm="Archive this lab record? It is retired and no longer synced."
          />
        )}
      </Group>
      {exported && <Code block>{exported}</Code>}
    </>
  );
}

const REVISION_COLUMNS: Column<LabRevision>[] = [
  { header: 'Revision', cell: (revision) => revision.revision },
  { header: 'At', cell: (revision) => formatTime(revision.created_at) },
  { header: 'By', cell: (revision) => revision.created_by },
  { header: 'Change', cell: (revision) => revision.change_summary },
];

export function LabDetailModal({ lab, onClose }: { lab: LabRecordSummary; onClose: () => void }) {
  const params = { lab_record_id: lab.id };
  const topology = useContractQuery(queryKeys.view('lab', lab.id, 'topology'), routes.getLabTopology, {
    params,
  });
  const revisions = useContractQuery(queryKeys.view('lab', lab.id, 'revisions'), routes.listLabRevisions, {
    params,
  });
  const sessions = useContractQuery(queryKeys.view('lab', lab.id, 'sessions'), routes.listLabSessions, {
    params,
  });
  return (
    <Modal opened onClose={onClose} title={`Lab ${lab.title || lab.runtime_binding.lab_id}`} size="xl">
      <LabActions lab={lab} />
      <Tabs defaultValue="overview" mt="sm">
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="topology">Topology</Tabs.Tab>
          <Tabs.Tab value="revisions">Revisions</Tabs.Tab>
          <Tabs.Tab value="sessions">Sessions</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="sm">
          <Group mb="xs">
            <StatusBadge status={lab.status} />
            {lab.pending_action && <Text size="sm">pending: {lab.pending_action}</Text>}
          </Group>
          <Text size="sm">
            Worker {lab.runtime_binding.worker_id} · CML lab {lab.runtime_binding.lab_id} · {lab.node_count}{' '}
            nodes · {lab.link_count} links · revision {lab.revision} · source {lab.source}
          </Text>
          {lab.last_error && <Text c="red">{lab.last_error}</Text>}
        </Tabs.Panel>
        <Tabs.Panel value="topology" pt="sm">
          <QueryState query={topology}>
            {(current) => <Code block>{JSON.stringify(current.topology_spec, null, 2)}</Code>}
          </QueryState>
        </Tabs.Panel>
        <Tabs.Panel value="revisions" pt="sm">
          <QueryState query={revisions}>
            {(page) => (
              <DataTable
                rows={page.items}
                columns={REVISION_COLUMNS}
                rowKey={(revision) => String(revision.revision)}
              />
            )}
          </QueryState>
        </Tabs.Panel>
        <Tabs.Panel value="sessions" pt="sm">
          <QueryState query={sessions}>
            {(page) =>
              page.items.length ? (
                page.items.map((session) => (
                  <AnchorLink
                    key={session.id}
                    to="/sessions/$sessionId"
                    params={{ sessionId: session.id }}
                    mr="sm"
                  >
                    {session.id.slice(0, 8)} ({session.status})
                  </AnchorLink>
                ))
              ) : (
                <Text c="dimmed">No session used this lab.</Text>
              )
            }
          </QueryState>
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}
