import { Progress, Stack, Text, Group } from '@mantine/core';
import { type Capacity } from '@lcm/contracts';

const DIMENSIONS: { key: keyof Capacity; label: string; unit: string }[] = [
  { key: 'cpu_cores', label: 'CPU', unit: 'cores' },
  { key: 'memory_gb', label: 'Memory', unit: 'GB' },
  { key: 'storage_gb', label: 'Storage', unit: 'GB' },
  { key: 'max_nodes', label: 'Nodes', unit: '' },
];

/** Allocation against declared capacity per dimension, coloured by how full it is. */
export function CapacityBars({
  declared,
  allocated,
  compact,
}: {
  declared: Capacity | null;
  allocated: Capacity;
  compact?: boolean;
}) {
  if (!declared)
    return (
      <Text size="sm" c="dimmed">
        No declared capacity (not placeable)
      </Text>
    );
  return (
    <Stack gap={compact ? 2 : 'xs'}>
      {DIMENSIONS.map(({ key, label, unit }) => {
        const total = declared[key];
        const used = allocated[key];
        const percent = total > 0 ? Math.min(100, (used / total) * 100) : 0;
        const color = percent >= 90 ? 'red' : percent >= 70 ? 'orange' : 'teal';
        return (
          <div key={key}>
            <Group justify="space-between" gap="xs">
              <Text size="xs">{label}</Text>
              <Text size="xs" c="dimmed">
                {used} / {total} {unit}
              </Text>
            </Group>
            <Progress
              value={percent}
              color={color}
              size={compact ? 'sm' : 'md'}
              aria-label={`${label} allocated ${Math.round(percent)}%`}
            />
          </div>
        );
      })}
    </Stack>
  );
}
