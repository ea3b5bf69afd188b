import { type LabletSessionStatus } from '@lcm/contracts';

export interface SessionTransitionAction {
  label: string;
  target: LabletSessionStatus;
  destructive: boolean;
}

/**
 * Manual session actions of spec §9 (AR-9: every transition the CloudEvents automate is also a
 * button). Terminate is separate: it is offered in every status except TERMINATED.
 *
 * The table's Start Grading (COLLECTING → GRADING) is not offered: spec §4.1 makes GRADING the
 * status in which a GradingSession exists, and the control plane enters it only through the
 * lablet-controller's grading-session route, which carries the GradingEngine's session id, form
 * and devices (it answers 400 naming body.target_status to a plain transition). The
 * lablet-controller submits a COLLECTING session for grading by itself (spec §7.3), so an operator
 * has nothing to start; Skip Grading and Terminate remain.
 */
export const SESSION_TRANSITIONS: Partial<Record<LabletSessionStatus, SessionTransitionAction[]>> = {
  READY: [{ label: 'Start Session', target: 'RUNNING', destructive: false }],
  RUNNING: [{ label: 'Finish Session', target: 'COLLECTING', destructive: true }],
  COLLECTING: [{ label: 'Skip Grading', target: 'STOPPING', destructive: true }],
  GRADING: [{ label: 'Complete Grading', target: 'STOPPING', destructive: true }],
  STOPPED: [{ label: 'Archive', target: 'ARCHIVED', destructive: true }],
};

export const transitionsFor = (status: LabletSessionStatus): SessionTransitionAction[] =>
  SESSION_TRANSITIONS[status] ?? [];

export const mayTerminate = (status: LabletSessionStatus): boolean => status !== 'TERMINATED';

/** Statuses in lifecycle order, for metric cards and the status timeline (spec §4.1). */
export const SESSION_STATUS_ORDER: LabletSessionStatus[] = [
  'PENDING',
  'SCHEDULED',
  'INSTANTIATING',
  'READY',
  'RUNNING',
  'COLLECTING',
  'GRADING',
  'STOPPING',
  'STOPPED',
  'ARCHIVED',
  'EXPIRED',
  'TERMINATED',
];

/** The statuses from `first` to `last` along the lifecycle, both included. */
export const statusesBetween = (
  first: LabletSessionStatus,
  last: LabletSessionStatus,
): LabletSessionStatus[] =>
  SESSION_STATUS_ORDER.slice(SESSION_STATUS_ORDER.indexOf(first), SESSION_STATUS_ORDER.indexOf(last) + 1);
