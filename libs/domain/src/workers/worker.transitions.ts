import type { CmlWorkerStatus } from '@lcm/contracts';
import { defineMachine } from '../shared/transition-table';

/**
 * Spec §4.3 with our 11 statuses (decision 10): the peer's TERMINATING edges are folded into
 * SHUTTING_DOWN. "any → UNKNOWN / TERMINATED" is spelled out per row; TERMINATED is terminal, so
 * it is not among the "any". DRAINING may return to RUNNING (cancel-drain), unlike the peer.
 */
export const CML_WORKER_TRANSITIONS = {
  PENDING: ['PROVISIONING', 'FAILED', 'TERMINATED', 'UNKNOWN'],
  PROVISIONING: ['STARTING', 'RUNNING', 'FAILED', 'TERMINATED', 'UNKNOWN'],
  STARTING: ['RUNNING', 'FAILED', 'STOPPING', 'TERMINATED', 'UNKNOWN'],
  RUNNING: ['DRAINING', 'STOPPING', 'SHUTTING_DOWN', 'TERMINATED', 'FAILED', 'UNKNOWN'],
  DRAINING: ['RUNNING', 'STOPPING', 'TERMINATED', 'UNKNOWN'],
  STOPPING: ['STOPPED', 'TERMINATED', 'FAILED', 'UNKNOWN'],
  STOPPED: ['STARTING', 'SHUTTING_DOWN', 'TERMINATED', 'UNKNOWN'],
  SHUTTING_DOWN: ['TERMINATED', 'UNKNOWN'],
  TERMINATED: [],
  FAILED: ['PENDING', 'TERMINATED', 'UNKNOWN'],
  UNKNOWN: [
    'PENDING',
    'PROVISIONING',
    'STARTING',
    'RUNNING',
    'DRAINING',
    'STOPPING',
    'STOPPED',
    'SHUTTING_DOWN',
    'TERMINATED',
    'FAILED',
  ],
} as const satisfies Record<CmlWorkerStatus, readonly CmlWorkerStatus[]>;

export const CML_WORKER_MACHINE = defineMachine<CmlWorkerStatus>('WORKER', CML_WORKER_TRANSITIONS);

/** EC2 instance state → worker status when a worker is first imported (spec §4.3 import row). */
export function workerStatusForImportedEc2State(ec2State: string): CmlWorkerStatus {
  switch (ec2State.toLowerCase()) {
    case 'running':
      return 'RUNNING';
    case 'stopped':
      return 'STOPPED';
    case 'stopping':
      return 'STOPPING';
    case 'pending':
      return 'PENDING';
    default:
      return 'UNKNOWN';
  }
}

/** EC2 instance state → worker status for drift of a known worker (spec §4.3, TERMINATING folded). */
export function workerStatusForObservedEc2State(ec2State: string): CmlWorkerStatus {
  switch (ec2State.toLowerCase()) {
    case 'pending':
      return 'PROVISIONING';
    case 'running':
      return 'RUNNING';
    case 'stopping':
      return 'STOPPING';
    case 'stopped':
      return 'STOPPED';
    case 'shutting-down':
      return 'SHUTTING_DOWN';
    case 'terminated':
      return 'TERMINATED';
    default:
      return 'UNKNOWN';
  }
}
