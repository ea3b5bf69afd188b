import { type LabletSession } from '@lcm/contracts';
import { AnchorLink } from '../../ui/anchor-link';
import { type Column } from '../../ui/data-table';
import { formatTime, shortId } from '../../ui/format';
import { StatusBadge } from '../../ui/status-badge';

export const timeslotText = (session: Pick<LabletSession, 'timeslot_start' | 'timeslot_end'>): string =>
  `${session.timeslot_start ? formatTime(session.timeslot_start) : 'ASAP'} – ${formatTime(session.timeslot_end)}`;

/** The session link, status and candidate columns every session list shows. */
export const SESSION_COLUMNS: Column<LabletSession>[] = [
  {
    header: 'Session',
    cell: (session) => (
      <AnchorLink to="/sessions/$sessionId" params={{ sessionId: session.id }}>
        {shortId(session.id)}
      </AnchorLink>
    ),
  },
  { header: 'Status', cell: (session) => <StatusBadge status={session.status} /> },
  { header: 'Candidate', cell: (session) => session.owner },
];
