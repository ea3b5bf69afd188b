import { Badge } from '@mantine/core';
import { useConnectionState } from '../api/live-events-provider';

const LOOK = {
  open: { color: 'green', label: 'Live' },
  connecting: { color: 'gray', label: 'Connecting' },
  reconnecting: { color: 'orange', label: 'Reconnecting' },
  closed: { color: 'red', label: 'Offline' },
} as const;

/** The state of the tab's live connection (spec §8.2 connection badge). */
export function ConnectionBadge() {
  const state = useConnectionState();
  const look = LOOK[state];
  return (
    <Badge
      color={look.color}
      variant="dot"
      data-testid="connection-badge"
      data-state={state}
      aria-live="polite"
    >
      {look.label}
    </Badge>
  );
}
