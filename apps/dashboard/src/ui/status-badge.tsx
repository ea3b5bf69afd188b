import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  PENDING: 'gray',
  SCHEDULED: 'indigo',
  INSTANTIATING: 'cyan',
  READY: 'teal',
  RUNNING: 'green',
  COLLECTING: 'yellow',
  GRADING: 'orange',
  STOPPING: 'grape',
  STOPPED: 'dark',
  ARCHIVED: 'dark',
  EXPIRED: 'pink',
  TERMINATED: 'red',
  PROVISIONING: 'cyan',
  STARTING: 'cyan',
  DRAINING: 'yellow',
  SHUTTING_DOWN: 'grape',
  FAILED: 'red',
  PASSED: 'green',
  UNKNOWN: 'gray',
  DISCOVERED: 'blue',
  IMPORTING: 'cyan',
  DEFINED: 'indigo',
  QUEUED: 'cyan',
  BOOTED: 'green',
  PAUSED: 'yellow',
  WIPING: 'grape',
  WIPED: 'gray',
  DELETING: 'grape',
  DELETED: 'red',
  ERROR: 'red',
  ORPHANED: 'pink',
  ok: 'green',
  degraded: 'yellow',
  down: 'red',
};

/** One colour per status of every state machine of spec §4, so a status reads the same everywhere. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="light" data-status={status}>
      {status}
    </Badge>
  );
}
