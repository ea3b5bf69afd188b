import { Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { apiContract, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { CapacityBars } from '../../ui/capacity-bars';
import { MetricCard } from '../../ui/metric-card';
import { Page } from '../../ui/page';
import { QueryState } from '../../ui/query-state';
import { StatusBadge } from '../../ui/status-badge';
import { AnchorLink } from '../../ui/anchor-link';
import { fleetCapacity } from './fleet-capacity';

export function CapacityPage() {
  const filter = { limit: MAX_PAGE_LIMIT };
  const workers = useContractQuery(
    queryKeys.list('workers', filter),
    apiContract.public.workers.listWorkers,
    { query: filter },
  );
  return (
    <Page title="Capacity">
      <QueryState query={workers}>
        {(page) => {
          const fleet = fleetCapacity(page.items);
          return (
            <>
              <SimpleGrid cols={{ base: 2, md: 4 }}>
                <MetricCard label="Placeable workers" value={fleet.workerCount} />
                <MetricCard label="CPU free" value={fleet.declared.cpu_cores - fleet.allocated.cpu_cores} />
                <MetricCard
                  label="Memory free (GB)"
                  value={fleet.declared.memory_gb - fleet.allocated.memory_gb}
                />
                <MetricCard label="Nodes free" value={fleet.declared.max_nodes - fleet.allocated.max_nodes} />
              </SimpleGrid>
              <Card withBorder>
                <Title order={2} size="h4" mb="xs">
                  Fleet allocation
                </Title>
                <CapacityBars declared={fleet.declared} allocated={fleet.allocated} />
              </Card>
              <Title order={2} size="h4">
                Per worker
              </Title>
              <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
                {page.items.map((worker) => (
                  <Card withBorder key={worker.id}>
                    <Group justify="space-between" mb="xs">
                      <AnchorLink to="/workers/$workerId" params={{ workerId: worker.id }}>
                        {worker.name}
                      </AnchorLink>
                      <StatusBadge status={worker.status} />
                    </Group>
                    <CapacityBars
                      declared={worker.declared_capacity}
                      allocated={worker.allocated_capacity}
                      compact
                    />
                  </Card>
                ))}
              </SimpleGrid>
              {page.items.length === 0 && <Text c="dimmed">No workers.</Text>}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
