import {
  Accordion,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  NumberInput,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { apiContract, type LabletDefinition, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { Page } from '../../ui/page';
import { ProblemAlert } from '../../ui/problem-alert';
import { QueryState } from '../../ui/query-state';
import { RouteActionButton } from '../../ui/route-action-button';
import { StatusBadge } from '../../ui/status-badge';

const routes = apiContract.public.labletDefinitions;

const EXAMPLE_TOPOLOGY = 'lab:\n  title: ${NAME}\nnodes: []\nlinks: []\n';

/** A new definition version (spec §3.7): name + semver, topology YAML and resource requirements. */
function CreateVersionButton({ base }: { base?: LabletDefinition }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState(base?.name ?? '');
  const [version, setVersion] = useState(base ? '' : '1.0.0');
  const [topology, setTopology] = useState(base?.topology_yaml ?? EXAMPLE_TOPOLOGY);
  const [cpu, setCpu] = useState<number | string>(base?.resource_requirements.cpu_cores ?? 2);
  const [memory, setMemory] = useState<number | string>(base?.resource_requirements.memory_gb ?? 4);
  const [storage, setStorage] = useState<number | string>(base?.resource_requirements.storage_gb ?? 10);
  const [minutes, setMinutes] = useState<number | string>(base?.max_duration_minutes ?? 120);
  const [reuse, setReuse] = useState(base?.lab_reuse_enabled ?? false);
  const create = useContractAction(routes.createDefinition, {
    success: 'Definition version created',
    resource: 'definitions',
    onDone: close,
    refresh: [queryKeys.lists('definitions')],
  });
  return (
    <>
      <Button variant={base ? 'light' : 'filled'} size={base ? 'xs' : 'sm'} onClick={open}>
        {base ? 'New version' : 'Create definition'}
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={base ? `New version of ${base.name}` : 'Create definition'}
        size="lg"
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({
              body: {
                name,
                version,
                topology_yaml: topology,
                resource_requirements: {
                  cpu_cores: Number(cpu),
                  memory_gb: Number(memory),
                  storage_gb: Number(storage),
                },
                max_duration_minutes: Number(minutes),
                lab_reuse_enabled: reuse,
              },
            });
          }}
        >
          <Stack>
            <Group grow>
              <TextInput
                label="Name"
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                disabled={!!base}
              />
              <TextInput
                label="Version"
                value={version}
                onChange={(event) => setVersion(event.currentTarget.value)}
              />
            </Group>
            <Textarea
              label="Topology YAML"
              autosize
              minRows={4}
              value={topology}
              onChange={(event) => setTopology(event.currentTarget.value)}
            />
            <Group grow>
              <NumberInput label="CPU cores" value={cpu} onChange={setCpu} min={0} />
              <NumberInput label="Memory GB" value={memory} onChange={setMemory} min={0} />
              <NumberInput label="Storage GB" value={storage} onChange={setStorage} min={0} />
              <NumberInput label="Max minutes" value={minutes} onChange={setMinutes} min={1} />
            </Group>
            <Switch
              label="Reuse labs"
              checked={reuse}
              onChange={(event) => setReuse(event.currentTarget.checked)}
            />
            <ProblemAlert error={create.error} />
            <Button type="submit" loading={create.isPending}>
              Create
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function DefinitionItem({ definition }: { definition: LabletDefinition }) {
  const mayCall = useMayCall();
  const params = { lablet_definition_id: definition.id };
  const versions = useContractQuery(
    queryKeys.view('definition', definition.id, 'versions'),
    routes.listDefinitionVersions,
    { params },
  );
  return (
    <Accordion.Item value={definition.id} data-definition-id={definition.id}>
      <Accordion.Control>
        <Group>
          <Text fw={700}>{definition.name}</Text>
          <Badge variant="outline">{definition.version}</Badge>
          <StatusBadge status={definition.status} />
          {definition.lab_reuse_enabled && (
            <Badge variant="light" color="teal">
              reuse
            </Badge>
          )}
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack>
          <Group gap="xs">
            <RouteActionButton
              route={routes.updateDefinition}
              input={{ params, body: { lab_reuse_enabled: !definition.lab_reuse_enabled } }}
              label={definition.lab_reuse_enabled ? 'Turn lab reuse off' : 'Turn lab reuse on'}
              success="Definition updated"
              resource="definitions"
            />
            {mayCall(routes.createDefinition) && <CreateVersionButton base={definition} />}
            {definition.status !== 'deprecated' && (
              <RouteActionButton
                route={routes.deprecateDefinition}
                input={{ params }}
                label="Deprecate"
                success="Definition deprecated"
                resource="definitions"
                color="red"
                confirm={`Deprecate ${definition.name} ${definition.version}? No new session can use it.`}
              />
            )}
          </Group>
          <Text size="sm">
            Requirements: {definition.resource_requirements.cpu_cores} CPU ·{' '}
            {definition.resource_requirements.memory_gb} GB memory ·{' '}
            {definition.resource_requirements.storage_gb} GB storage · {definition.node_count} nodes ·
            licences {definition.license_affinity.join(', ') || 'any'} · multi-lab{' '}
            {definition.multi_lab_enabled ? 'on' : 'off'}
          </Text>
          <Text size="sm">
            Versions:{' '}
            {versions.data?.items.map((version) => `${version.version} (${version.status})`).join(', ') ??
              '…'}
          </Text>
          <Code block>{definition.topology_yaml}</Code>
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

export function DefinitionsPage() {
  const mayCall = useMayCall();
  const filter = { include_deprecated: 'true', limit: MAX_PAGE_LIMIT };
  const definitions = useContractQuery(queryKeys.list('definitions', filter), routes.listDefinitions, {
    query: filter,
  });
  return (
    <Page title="Definitions" actions={mayCall(routes.createDefinition) && <CreateVersionButton />}>
      <QueryState query={definitions}>
        {(page) =>
          page.items.length ? (
            <Accordion variant="separated" data-testid="definitions-list">
              {page.items.map((definition) => (
                <DefinitionItem key={definition.id} definition={definition} />
              ))}
            </Accordion>
          ) : (
            <Text c="dimmed">No definitions yet.</Text>
          )
        }
      </QueryState>
    </Page>
  );
}
