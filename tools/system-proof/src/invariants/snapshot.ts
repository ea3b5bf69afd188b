import { type CmlWorkerState, type LabletSessionState, type LabRecordState } from '@lcm/domain';

/** The part of an audit entry the checker compares with the aggregates' status histories. */
export interface AuditRow {
  target_id: string;
  before_status: string | null;
  after_status: string | null;
}

/** One EC2 instance of this run's deployment, as DescribeInstances reports it. */
export interface Ec2InstanceView {
  instanceId: string;
  /** EC2 state name: pending, running, stopping, stopped, shutting-down, terminated. */
  state: string;
  /** The `lcm:worker-id` tag written at launch, or null when the instance has none. */
  workerId: string | null;
}

/** One lab the CML fleet simulator holds, keyed by the worker's CML key (its EC2 instance id). */
export interface CmlLabView {
  workerKey: string;
  labId: string;
  state: string;
}

/**
 * Everything the invariants are checked against, read from the store, etcd, EC2 and the CML
 * simulator at one moment. The checker's rules are pure functions of it, so they are unit-tested on
 * snapshots built in memory and run unchanged on one read from the real servers.
 */
export interface SystemSnapshot {
  takenAt: Date;
  sessions: LabletSessionState[];
  workers: CmlWorkerState[];
  labRecords: LabRecordState[];
  audit: AuditRow[];
  /** Every key under /lcm/ except the controllers' leader keys, with its value. */
  etcd: ReadonlyMap<string, string>;
  instances: Ec2InstanceView[];
  cmlLabs: CmlLabView[];
}
