import { Alert, Button, Card, Group, Text, Title } from '@mantine/core';
import { apiContract, type LabletSessionStatus, type UserSession } from '@lcm/contracts';
import { useEffect, useRef, useState } from 'react';
import { ApiProblem } from '../../api/api-problem';
import { queryKeys } from '../../api/query-keys';
import { useContractQuery } from '../../api/use-contract';
import { type Column, DataTable } from '../../ui/data-table';
import { ProblemAlert } from '../../ui/problem-alert';
import { StatusBadge } from '../../ui/status-badge';
import { statusesBetween } from './session-actions';

/** Messages of the LDS frame bridge (spec §9): parent → LDS commands, LDS → parent reports. */
type ParentCommand = 'lcm:pause' | 'lcm:resume' | 'lcm:end';
const LDS_REPORTS = ['lds:status', 'lds:grade_request', 'lds:timer_update'] as const;

interface LdsReport {
  type: (typeof LDS_REPORTS)[number];
  [field: string]: unknown;
}

const isLdsReport = (data: unknown): data is LdsReport =>
  !!data && typeof data === 'object' && LDS_REPORTS.includes((data as { type?: never }).type as never);

/** Sessions in these statuses have (or are getting) an LDS session. */
const HAS_USER_SESSION = statusesBetween('READY', 'ARCHIVED');

type Device = UserSession['devices'][number];

const DEVICE_COLUMNS: Column<Device>[] = [
  { header: 'Device', cell: (device) => device.name },
  { header: 'Protocol', cell: (device) => device.protocol },
  { header: 'Address', cell: (device) => device.uri ?? `${device.host}:${device.port}` },
  { header: 'User', cell: (device) => device.username ?? '—' },
];

function DeviceAccessTable({ devices }: { devices: Device[] }) {
  return (
    <DataTable
      testId="device-access"
      rows={devices}
      columns={DEVICE_COLUMNS}
      rowKey={(device) => `${device.name}-${device.protocol}`}
      empty="No devices"
    />
  );
}

/** The candidate's LDS session: embedded frame at the login URL with its postMessage bridge, and device access. */
export function LdsPanel({ sessionId, status }: { sessionId: string; status: LabletSessionStatus }) {
  const userSession = useContractQuery(
    queryKeys.sessionChild('user-session', sessionId),
    apiContract.public.sessions.getUserSession,
    { params: { lablet_session_id: sessionId } },
    { enabled: HAS_USER_SESSION.includes(status) },
  );
  const frame = useRef<HTMLIFrameElement>(null);
  const [lastReport, setLastReport] = useState<LdsReport>();
  const loginUrl = userSession.data?.login_url ?? null;
  const ldsOrigin = loginUrl ? new URL(loginUrl).origin : null;

  useEffect(() => {
    if (!ldsOrigin) return;
    const receive = (event: MessageEvent): void => {
      // Only the LDS frame may report; anything else posting to this window is ignored.
      if (event.origin === ldsOrigin && isLdsReport(event.data)) setLastReport(event.data);
    };
    window.addEventListener('message', receive);
    return () => window.removeEventListener('message', receive);
  }, [ldsOrigin]);

  const send = (type: ParentCommand): void => {
    if (ldsOrigin)
      frame.current?.contentWindow?.postMessage({ type, lablet_session_id: sessionId }, ldsOrigin);
  };

  const notYet = userSession.error instanceof ApiProblem && userSession.error.status === 404;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="xs">
        LDS
      </Title>
      {!HAS_USER_SESSION.includes(status) || notYet ? (
        <Text c="dimmed">No LDS session yet (it is provisioned when the session becomes READY).</Text>
      ) : userSession.error ? (
        <ProblemAlert error={userSession.error} />
      ) : userSession.data ? (
        <>
          <Group mb="xs">
            <StatusBadge status={userSession.data.status} />
            <Text size="sm">LDS session {userSession.data.lds_session_id}</Text>
          </Group>
          {lastReport && (
            <Alert color="blue" mb="xs" title={`LDS reports ${lastReport.type}`}>
              {JSON.stringify(lastReport)}
            </Alert>
          )}
          {loginUrl && (
            <>
              <Group gap="xs" mb="xs">
                <Button size="xs" variant="default" onClick={() => send('lcm:pause')}>
                  Pause
                </Button>
                <Button size="xs" variant="default" onClick={() => send('lcm:resume')}>
                  Resume
                </Button>
                <Button size="xs" variant="default" onClick={() => send('lcm:end')}>
                  End
                </Button>
                <Button size="xs" component="a" href={loginUrl} target="_blank" rel="noreferrer">
                  Open Lab
                </Button>
              </Group>
              <iframe
                ref={frame}
                src={loginUrl}
                title="LDS lab session"
                style={{ width: '100%', height: 360, border: 0 }}
              />
            </>
          )}
          <DeviceAccessTable devices={userSession.data.devices} />
        </>
      ) : null}
    </Card>
  );
}
