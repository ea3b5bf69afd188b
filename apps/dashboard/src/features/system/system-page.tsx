import { Button, Card, Code, Group, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { ADMIN_ROLES, apiContract, type SystemSettings, type UpdateSettingsBody } from '@lcm/contracts';
import { type ReactNode, useState } from 'react';
import { hasAnyRole, useCurrentUser } from '../../api/current-user';
import { useConnectionState } from '../../api/live-events-provider';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { formatTime } from '../../ui/format';
import { Page } from '../../ui/page';
import { ProblemAlert } from '../../ui/problem-alert';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';

const routes = apiContract.public;
const SETTING_GROUPS = [
  'worker_provisioning',
  'monitoring',
  'idle_detection',
  'scaling',
  'discovery',
  'features',
] as const;

/** One settings group as JSON; the server's problem names any field it refuses. */
function SettingsGroupEditor({
  settings,
  group,
}: {
  settings: SystemSettings;
  group: (typeof SETTING_GROUPS)[number];
}) {
  const [text, setText] = useState(JSON.stringify(settings[group], null, 2));
  const [parseError, setParseError] = useState<string>();
  const update = useContractAction(routes.settings.updateSettings, {
    success: `Settings ${group} saved`,
    refresh: [queryKeys.view('settings')],
  });
  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="xs">
        {group}
      </Title>
      <Textarea
        aria-label={`${group} settings`}
        autosize
        minRows={3}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        ff="monospace"
      />
      {parseError && <Text c="red">{parseError}</Text>}
      <ProblemAlert error={update.error} />
      <Group justify="flex-end" mt="xs">
        <Button
          size="xs"
          loading={update.isPending}
          onClick={() => {
            try {
              const value: unknown = JSON.parse(text);
              setParseError(undefined);
              update.mutate({ body: { [group]: value } as UpdateSettingsBody });
            } catch (error) {
              setParseError(`not JSON: ${(error as Error).message}`);
            }
          }}
        >
          Save {group}
        </Button>
      </Group>
    </Card>
  );
}

function SettingsSection() {
  const settings = useContractQuery(queryKeys.view('settings'), routes.settings.getSettings, {});
  return (
    <QueryState query={settings}>
      {(current) => (
        <Stack>
          <Text size="sm" c="dimmed">
            Version {current.version}, last changed {formatTime(current.updated_at)} by{' '}
            {current.updated_by ?? 'system'}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {SETTING_GROUPS.map((group) => (
              <SettingsGroupEditor key={`${group}-${current.version}`} settings={current} group={group} />
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </QueryState>
  );
}

interface HealthRow {
  name: string;
  status: ReactNode;
  latency?: string;
  detail: ReactNode;
}

const HEALTH_COLUMNS: Column<HealthRow>[] = [
  { header: 'Component', cell: (row) => row.name },
  { header: 'Status', cell: (row) => row.status },
  { header: 'Latency', cell: (row) => row.latency },
  { header: 'Detail', cell: (row) => row.detail },
];

export function SystemPage() {
  const user = useCurrentUser();
  const connection = useConnectionState();
  const health = useContractQuery(
    queryKeys.view('health'),
    routes.system.getSystemHealth,
    {},
    { refetchInterval: 10_000 },
  );
  return (
    <Page title="System">
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Monitoring
        </Title>
        <QueryState query={health}>
          {(current) => (
            <DataTable
              testId="health-table"
              columns={HEALTH_COLUMNS}
              rowKey={(row) => row.name}
              rows={[
                {
                  name: 'overall',
                  status: <StatusBadge status={current.status} />,
                  detail: `checked ${formatTime(current.checked_at)}`,
                },
                ...current.components.map((component) => ({
                  name: component.name,
                  status: <StatusBadge status={component.status} />,
                  latency: component.latency_ms === null ? '—' : `${component.latency_ms} ms`,
                  detail: component.detail,
                })),
                {
                  name: 'live updates (this tab)',
                  status: <Code>{connection}</Code>,
                  detail: 'one SSE connection per tab (spec §8.2)',
                },
              ]}
            />
          )}
        </QueryState>
      </Card>
      {hasAnyRole(user, ADMIN_ROLES) && (
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Settings
          </Title>
          <SettingsSection />
        </Card>
      )}
    </Page>
  );
}
