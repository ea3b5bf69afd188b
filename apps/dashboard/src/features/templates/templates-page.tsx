import { Badge, Button, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { apiContract, LicenseType, MAX_PAGE_LIMIT, type WorkerTemplate } from '@lcm/contracts';
import { useState } from 'react';
import { useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { Page } from '../../ui/page';
import { ProblemAlert } from '../../ui/problem-alert';
import { QueryState } from '../../ui/query-state';
import { RouteActionButton } from '../../ui/route-action-button';

const routes = apiContract.public.workerTemplates;

/** Create a template, or edit one (the update body only carries what changed). */
function TemplateForm({ template }: { template?: WorkerTemplate }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState(template?.name ?? '');
  const [instanceType, setInstanceType] = useState(template?.instance_type ?? 'c5.2xlarge');
  const [region, setRegion] = useState(template?.region ?? 'us-east-1');
  const [amiPattern, setAmiPattern] = useState(template?.ami_pattern ?? 'cml-2.*');
  const [license, setLicense] = useState<string | null>(template?.license_type ?? 'ENTERPRISE');
  const [cpu, setCpu] = useState<number | string>(template?.capacity.cpu_cores ?? 8);
  const [memory, setMemory] = useState<number | string>(template?.capacity.memory_gb ?? 32);
  const [storage, setStorage] = useState<number | string>(template?.capacity.storage_gb ?? 200);
  const [maxNodes, setMaxNodes] = useState<number | string>(template?.max_nodes ?? 50);
  const create = useContractAction(routes.createWorkerTemplate, {
    success: 'Template created',
    resource: 'templates',
    onDone: close,
  });
  const update = useContractAction(routes.updateWorkerTemplate, {
    success: 'Template updated',
    resource: 'templates',
    onDone: close,
  });
  const fields = {
    name,
    instance_type: instanceType,
    region,
    ami_pattern: amiPattern,
    license_type: (license ?? 'ENTERPRISE') as LicenseType,
    capacity: { cpu_cores: Number(cpu), memory_gb: Number(memory), storage_gb: Number(storage) },
    max_nodes: Number(maxNodes),
  };
  const action = template ? update : create;
  return (
    <>
      <Button size={template ? 'xs' : 'sm'} variant={template ? 'light' : 'filled'} onClick={open}>
        {template ? 'Edit' : 'Create template'}
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={template ? `Edit ${template.name}` : 'Create template'}
        size="lg"
      >
        <Stack>
          <Group grow>
            <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} />
            <TextInput
              label="Instance type"
              value={instanceType}
              onChange={(event) => setInstanceType(event.currentTarget.value)}
            />
          </Group>
          <Group grow>
            <TextInput
              label="Region"
              value={region}
              onChange={(event) => setRegion(event.currentTarget.value)}
            />
            <TextInput
              label="AMI name pattern"
              value={amiPattern}
              onChange={(event) => setAmiPattern(event.currentTarget.value)}
            />
            <Select label="Licence" data={LicenseType.options} value={license} onChange={setLicense} />
          </Group>
          <Group grow>
            <NumberInput label="CPU cores" value={cpu} onChange={setCpu} min={0} />
            <NumberInput label="Memory GB" value={memory} onChange={setMemory} min={0} />
            <NumberInput label="Storage GB" value={storage} onChange={setStorage} min={0} />
            <NumberInput label="Max nodes" value={maxNodes} onChange={setMaxNodes} min={1} />
          </Group>
          <ProblemAlert error={action.error} />
          <Button
            loading={action.isPending}
            onClick={() =>
              template
                ? update.mutate({ params: { worker_template_id: template.id }, body: fields })
                : create.mutate({ body: fields })
            }
          >
            Save
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

/** Edit, enable/disable and delete, each offered only to roles the route allows. */
function TemplateActions({ template }: { template: WorkerTemplate }) {
  const mayCall = useMayCall();
  const params = { worker_template_id: template.id };
  return (
    <Group gap="xs">
      {mayCall(routes.updateWorkerTemplate) && <TemplateForm template={template} />}
      <RouteActionButton
        route={routes.updateWorkerTemplate}
        input={{ params, body: { enabled: !template.enabled } }}
        label={template.enabled ? 'Disable' : 'Enable'}
        success="Template updated"
        resource="templates"
      />
      <RouteActionButton
        route={routes.deleteWorkerTemplate}
        input={{ params }}
        label="Delete"
        success="Template deleted"
        color="red"
        confirm={`Delete template ${template.name}? Only an unused template can be deleted.`}
      />
    </Group>
  );
}

const columns = (usage: (templateId: string) => number): Column<WorkerTemplate>[] => [
  { header: 'Name', cell: (template) => template.name },
  { header: 'Instance', cell: (template) => template.instance_type },
  {
    header: 'Capacity',
    cell: ({ capacity, max_nodes }) =>
      `${capacity.cpu_cores} CPU · ${capacity.memory_gb} GB · ${capacity.storage_gb} GB · ${max_nodes} nodes`,
  },
  { header: 'Licence', cell: (template) => template.license_type },
  { header: 'Region', cell: (template) => template.region },
  { header: 'Used by', cell: (template) => `${usage(template.id)} worker(s)` },
  {
    header: 'Flags',
    cell: (template) => (
      <Group gap={4}>
        {template.is_seeded && <Badge variant="outline">seeded</Badge>}
        <Badge variant="light" color={template.enabled ? 'green' : 'gray'}>
          {template.enabled ? 'enabled' : 'disabled'}
        </Badge>
      </Group>
    ),
  },
  { header: 'Actions', cell: (template) => <TemplateActions template={template} /> },
];

export function TemplatesPage() {
  const mayCall = useMayCall();
  const filter = { limit: MAX_PAGE_LIMIT };
  const templates = useContractQuery(queryKeys.list('templates', filter), routes.listWorkerTemplates, {
    query: filter,
  });
  const workers = useContractQuery(
    queryKeys.list('workers', filter),
    apiContract.public.workers.listWorkers,
    { query: filter },
  );
  const usage = (templateId: string): number =>
    workers.data?.items.filter((worker) => worker.template_id === templateId).length ?? 0;
  return (
    <Page title="Templates" actions={mayCall(routes.createWorkerTemplate) && <TemplateForm />}>
      <QueryState query={templates}>
        {(page) => (
          <DataTable
            striped
            testId="templates-table"
            rows={page.items}
            columns={columns(usage)}
            rowKey={(template) => template.id}
            rowAttributes={(template) => ({ 'data-template-id': template.id })}
          />
        )}
      </QueryState>
    </Page>
  );
}
