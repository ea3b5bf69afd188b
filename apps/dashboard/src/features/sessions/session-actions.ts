import { type LabletSessionStatus } from '@lcm/contracts';

export interface SessionTransitionAction {
  label: string;
  target: LabletSessionStatus;
  destructive: boolean;
}

/**
 * Manual session actions of spec §9 (AR-9: every transition the CloudEvents automate is also a
 * button). Terminate is separate: it is offered in every status except TERMINATED.
 */
export const SESSION_TRANSITIONS: Partial<Record<LabletSessionStatus, SessionTransitionAction[]>> = {
  READY: [{ label: 'Start Session', target: 'RUNNING', destructive: false }],
  RUNNING: [{ label: 'Finish Session', target: 'COLLECTING', destructive: true }],
  COLLECTING: [
    { label: 'Start Grading', target: 'GRADING', destructive: false },
    { label: 'Skip Grading', target: 'STOPPING', destructive: true },
  ],
  GRADING: [{ label: 'Complete Grading', target: 'STOPPING', destructive: true }],
  STOPPED: [{ label: 'Archive', target: 'ARCHIVED', destructive: true }],
};

export const transitionsFor = (status: LabletSessionStatus): SessionTransitionAction[] => SESSION_TRANSITIONS[status] ?? [];

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
