import { aWorker, describeTransitionMatrix } from '@lcm/testing';
import { CmlWorkerStatus } from '@lcm/contracts';
import { CML_WORKER_STATUS_EVENTS } from './cml-worker.events';
import {
  CML_WORKER_TRANSITIONS,
  workerStatusForImportedEc2State,
  workerStatusForObservedEc2State,
} from './worker.transitions';

describeTransitionMatrix('CmlWorker', {
  entity: 'WORKER',
  statuses: CmlWorkerStatus.options,
  table: CML_WORKER_TRANSITIONS,
  build: (from, clock) => aWorker().inState(from).build(clock),
  statusOf: (worker) => worker.status,
  pullEvents: (worker) => worker.pullEvents(),
  eventFor: (to) => CML_WORKER_STATUS_EVENTS[to],
  drivers: {
    PENDING: (w) => w.retryProvisioning(),
    PROVISIONING: (w) => w.markProvisioning({ aws_instance_id: 'i-1' }),
    STARTING: (w) => w.markStarting(),
    RUNNING: (w) => w.markRunning(),
    DRAINING: (w) => w.drain({ reason: 'maintenance', requested_by: 'admin' }),
    STOPPING: (w) => w.stop(),
    STOPPED: (w) => w.markStopped(),
    SHUTTING_DOWN: (w) => w.terminate('admin'),
    TERMINATED: (w) => w.markTerminated(),
    FAILED: (w) => w.markFailed('launch failed'),
    UNKNOWN: (w) => w.markUnknown('ec2 unreadable'),
  },
});

describe('EC2 state mapping', () => {
  it.each([
    ['running', 'RUNNING'],
    ['stopped', 'STOPPED'],
    ['stopping', 'STOPPING'],
    ['pending', 'PENDING'],
    ['shutting-down', 'UNKNOWN'],
  ] as const)('imports an instance in %s as %s', (ec2, status) => {
    expect(workerStatusForImportedEc2State(ec2)).toBe(status);
  });

  it.each([
    ['pending', 'PROVISIONING'],
    ['running', 'RUNNING'],
    ['stopping', 'STOPPING'],
    ['stopped', 'STOPPED'],
    ['shutting-down', 'SHUTTING_DOWN'],
    ['terminated', 'TERMINATED'],
    ['rebooting', 'UNKNOWN'],
  ] as const)('maps observed %s to %s (TERMINATING folded into SHUTTING_DOWN)', (ec2, status) => {
    expect(workerStatusForObservedEc2State(ec2)).toBe(status);
  });
});
