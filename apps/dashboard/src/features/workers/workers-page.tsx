import {
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { apiContract, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { useState } from 'react';
import { useMayCall } from '../../api/current-user';
import { queryKeys } from '../../api/query-keys';
import { useContractAction, useContractQuery } from '../../api/use-contract';
import { CapacityBars } from '../../ui/capacity-bars';
import { countBy, shortId } from '../../ui/format';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { ProblemAlert } from '../../ui/problem-alert';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { AnchorLink } from '../../ui/anchor-link';

const routes = apiContract.public.workers;

function useTemplateOptions(enabled: boolean) {
  const filter = { limit: MAX_PAGE_LIMIT };
  const templates = useContractQuery(
    queryKeys.list('templates', filter),
    apiContract.public.workerTemplates.listWorkerTemplates,
    { query: filter },
    { enabled },
  );
  return (templates.data?.items ?? []).map((template) => ({ value: template.id, label: template.name }));
}

/** Create from a template, or scale up (same fields plus a reason); both need a template. */
function TemplateActionButton({ kind }: { kind: 'create' | 'scale-up' }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [text, setText] = useState('');
  const options = useTemplateOptions(opened);
  const create = useContractAction(routes.createWorker, {
    success: 'Worker created',
    resource: 'workers',
    onDone: close,
  });
  const scaleUp = useContractAction(routes.scaleUp, {
    success: 'Scale-up requested',
    onDone: close,
    refresh: [queryKeys.lists('workers')],
  });
  const action = kind === 'create' ? create : scaleUp;
  const title = kind === 'create' ? 'Create worker' : 'Scale up';
  return (
    <>
      <Button variant={kind === 'create' ? 'filled' : 'light'} onClick={open}>
        {title}
      </Button>
      <Modal opened={opened} onClose={close} title={title} centered>
        <Stack>
          <Select label="Template" data={options} value={templateId} onChange={setTemplateId} />
          <TextInput
            label={kind === 'create' ? 'Name (optional)' : 'Reason'}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          <ProblemAlert error={action.error} />
          <Button
            loading={action.isPending}
            onClick={() =>
              kind === 'create'
                ? create.mutate({ body: { template_id: templateId ?? '', ...(text ? { name: text } : {}) } })
                : scaleUp.mutate({ body: { template_id: templateId ?? '', reason: text } })
            }
          >
            {title}
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

/** Registers an existing EC2 instance by its id (spec §5.2 /workers/import). */
function ImportWorkerButton() {
  const [opened, { open, close }] = useDisclosure(false);
  const [region, setRegion] = useState('us-east-1');
  const [instanceId, setInstanceId] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [cpu, setCpu] = useState<number | string>('');
  const options = useTemplateOptions(opened);
  const importWorker = useContractAction(routes.importWorker, {
    success: 'Worker imported',
    resource: 'workers',
    onDone: close,
  });
  return (
    <>
      <Button variant="light" onClick={open}>
        Import worker
      </Button>
      <Modal opened={opened} onClose={close} title="Import worker" centered>
        <Stack>
          <TextInput
            label="AWS region"
            value={region}
            onChange={(event) => setRegion(event.currentTarget.value)}
          />
          <TextInput
            label="EC2 instance id"
            value={instanceId}
            onChange={(event) => setInstanceId(event.currentTarget.value)}
          />
          <Select
            label="Template (or declare capacity)"
            data={options}
            value={templateId}
            onChange={setTemplateId}
            clearable
          />
          {!templateId && <NumberInput label="Declared CPU cores" value={cpu} onChange={setCpu} min={1} />}
          <ProblemAlert error={importWorker.error} />
          <Button
            loading={importWorker.isPending}
            onClick={() =>
              importWorker.mutate({
                body: {
                  aws_region: region,
                  aws_instance_id: instanceId,
                  ...(templateId ? { template_id: templateId } : {}),
                  ...(!templateId && cpu
                    ? {
                        declared_capacity: {
                          cpu_cores: Number(cpu),
                          memory_gb: Number(cpu) * 4,
                          storage_gb: 100,
                          max_nodes: 20,
                        },
                      }
                    : {}),
                },
              })
            }
          >
            Import
          </Button>
        </Stack>
      </Modal>
    </>
  );
}

export function WorkersPage() {
  const mayCall = useMayCall();
  const filter = { limit: MAX_PAGE_LIMIT };
  const workers = useContractQuery(queryKeys.list('workers', filter), routes.listWorkers, { query: filter });
  return (
    <Page
      title="Workers"
      actions={
        <>
          {mayCall(routes.createWorker) && <TemplateActionButton kind="create" />}
          {mayCall(routes.importWorker) && <ImportWorkerButton />}
          {mayCall(routes.scaleUp) && <TemplateActionButton kind="scale-up" />}
        </>
      }
    >
      <QueryState query={workers}>
        {(page) => {
          const counts = countBy(page.items, (worker) => worker.status);
          return (
            <>
              <SimpleGrid cols={{ base: 2, sm: 4 }}>
                <MetricCard label="Workers" value={page.items.length} />
                {Object.entries(counts).map(([status, count]) => (
                  <MetricCard key={status} label={status} value={count} />
                ))}
              </SimpleGrid>
              {page.items.length === 0 && <Text c="dimmed">No workers yet.</Text>}
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} data-testid="workers-list">
                {page.items.map((worker) => (
                  <Card withBorder key={worker.id} data-worker-id={worker.id}>
                    <Group justify="space-between" mb="xs">
                      <AnchorLink to="/workers/$workerId" params={{ workerId: worker.id }} fw={700}>
                        {worker.name}
                      </AnchorLink>
                      <StatusBadge status={worker.status} />
                    </Group>
                    <Text size="xs" c="dimmed" mb="xs">
                      {shortId(worker.id)} · {worker.aws_region} · {worker.template_name ?? 'no template'} ·{' '}
                      {worker.session_ids.length} session(s)
                      {worker.cloudwatch.cpu_utilization !== null &&
                        ` · CPU ${worker.cloudwatch.cpu_utilization}%`}
                    </Text>
                    <CapacityBars
                      declared={worker.declared_capacity}
                      allocated={worker.allocated_capacity}
                      compact
                    />
                  </Card>
                ))}
              </SimpleGrid>
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
