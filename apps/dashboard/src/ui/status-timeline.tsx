import { Text, Timeline } from '@mantine/core';
import { type StatusHistoryEntry } from '@lcm/contracts';
import { formatTime } from './format';

/** Every status change with when, why and who (spec §3.2 status_history), newest last. */
export function StatusTimeline({ history }: { history: StatusHistoryEntry[] }) {
  return (
    <Timeline active={history.length - 1} bulletSize={16} lineWidth={2} data-testid="status-timeline">
      {history.map((entry) => (
        <Timeline.Item key={`${entry.at}-${entry.to}`} title={entry.to}>
          <Text size="xs" c="dimmed">
            {formatTime(entry.at)}
            {entry.actor ? ` · ${entry.actor}` : ''}
          </Text>
          {entry.reason && <Text size="sm">{entry.reason}</Text>}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
