import {
  type Capacity,
  decodeEtcdValue,
  type EtcdEntityKeyKind,
  etcdKeys,
  type LabletSessionStatus,
  parseEtcdKey,
} from '@lcm/contracts';
import {
  type CmlWorkerState,
  type LabletSessionState,
  type LabRecordState,
  SESSION_TERMINAL_STATUSES,
  sessionHoldsCapacity,
  sumCapacity,
} from '@lcm/domain';
import { type SystemSnapshot } from './snapshot';

export type InvariantName =
  | 'sessions-settled'
  | 'ec2-workers'
  | 'cml-lab-records'
  | 'capacity-ports'
  | 'etcd-projection'
  | 'pending-actions'
  | 'audit-log';

export interface Violation {
  invariant: InvariantName;
  /** The entity (session, worker, lab record, instance, key) the violation is about. */
  subject: string;
  detail: string;
}

export interface CheckOptions {
  /** Sessions the run created: each must still be in the store (none lost). */
  expectedSessionIds?: readonly string[];
  /** CPA's LAB_ACTION_STALE_MINUTES: a pending action older than this should have been failed (spec §3.4 R5). */
  pendingActionTimeoutMs: number;
  /**
   * Statuses a session may rest in once the run settled, besides the terminal ones; by default
   * STOPPED and ARCHIVED, which wait for their retention (decision 3).
   */
  restingStatuses?: readonly LabletSessionStatus[];
  /**
   * Statuses a session may wait in while its timeslot lasts; by default PENDING, SCHEDULED
   * (booking lead), READY (candidate login) and RUNNING (the candidate's work). A drill of ASAP
   * sessions on a running fleet narrows it to the candidate's part.
   */
  waitingStatuses?: readonly LabletSessionStatus[];
}

/** Statuses that wait for something outside LCM while the timeslot lasts: booking lead, candidate login, the candidate's work. */
const TIMESLOT_WAITS: readonly LabletSessionStatus[] = ['PENDING', 'SCHEDULED', 'READY', 'RUNNING'];
/** Worker statuses that have an EC2 instance (spec §7.2): launched and not yet gone. */
const WORKER_STATUSES_WITH_INSTANCE = [
  'PROVISIONING',
  'STARTING',
  'RUNNING',
  'DRAINING',
  'STOPPING',
  'STOPPED',
];

export function checkSessionsSettled(snapshot: SystemSnapshot, options: CheckOptions): Violation[] {
  const violations: Violation[] = [];
  const known = new Set(snapshot.sessions.map((session) => session.id));
  for (const id of options.expectedSessionIds ?? []) {
    if (!known.has(id))
      violations.push({
        invariant: 'sessions-settled',
        subject: `session ${id}`,
        detail: 'created by the run but missing from the store (lost)',
      });
  }
  const resting = new Set<LabletSessionStatus>([
    ...SESSION_TERMINAL_STATUSES,
    ...(options.restingStatuses ?? ['STOPPED', 'ARCHIVED']),
  ]);
  const now = snapshot.takenAt.toISOString();
  for (const session of snapshot.sessions) {
    if (resting.has(session.status)) continue;
    if ((options.waitingStatuses ?? TIMESLOT_WAITS).includes(session.status) && session.timeslot_end > now)
      continue;
    // Decision 21: a faulted grading holds the session in GRADING for an operator.
    if (session.status === 'GRADING' && session.grading_faulted_at !== null) continue;
    violations.push({
      invariant: 'sessions-settled',
      subject: `session ${session.id}`,
      detail: `${session.status} since ${session.status_history.at(-1)?.at ?? session.updated_at}, timeslot ended ${session.timeslot_end}: neither terminal nor waiting`,
    });
  }
  return violations;
}

export function checkEc2Workers(snapshot: SystemSnapshot): Violation[] {
  const violations: Violation[] = [];
  const workers = new Map(snapshot.workers.map((worker) => [worker.id, worker]));
  const live = snapshot.instances.filter((instance) => instance.state !== 'terminated');
  const instancesPerWorker = new Map<string, string[]>();
  for (const instance of live) {
    const subject = `instance ${instance.instanceId}`;
    if (instance.workerId === null) {
      violations.push({
        invariant: 'ec2-workers',
        subject,
        detail: `${instance.state} without an lcm:worker-id tag`,
      });
      continue;
    }
    instancesPerWorker.set(instance.workerId, [
      ...(instancesPerWorker.get(instance.workerId) ?? []),
      instance.instanceId,
    ]);
    const worker = workers.get(instance.workerId);
    if (!worker)
      violations.push({
        invariant: 'ec2-workers',
        subject,
        detail: `${instance.state}, tagged for worker ${instance.workerId} that is not in the store`,
      });
    else if (worker.status === 'TERMINATED')
      violations.push({
        invariant: 'ec2-workers',
        subject,
        detail: `${instance.state}, but its worker ${worker.id} is TERMINATED`,
      });
    else if (worker.aws_instance_id !== instance.instanceId)
      violations.push({
        invariant: 'ec2-workers',
        subject,
        detail: `${instance.state}, but its worker ${worker.id} records instance ${worker.aws_instance_id ?? 'none'}`,
      });
  }
  for (const [workerId, instanceIds] of instancesPerWorker) {
    if (instanceIds.length > 1)
      violations.push({
        invariant: 'ec2-workers',
        subject: `worker ${workerId}`,
        detail: `${instanceIds.length} live instances: ${instanceIds.join(', ')}`,
      });
  }
  const liveIds = new Set(live.map((instance) => instance.instanceId));
  const holders = new Map<string, string[]>();
  for (const worker of snapshot.workers) {
    if (worker.aws_instance_id === null || worker.status === 'TERMINATED') continue;
    holders.set(worker.aws_instance_id, [...(holders.get(worker.aws_instance_id) ?? []), worker.id]);
    if (WORKER_STATUSES_WITH_INSTANCE.includes(worker.status) && !liveIds.has(worker.aws_instance_id))
      violations.push({
        invariant: 'ec2-workers',
        subject: `worker ${worker.id}`,
        detail: `${worker.status}, but instance ${worker.aws_instance_id} is gone or terminated`,
      });
  }
  for (const [instanceId, workerIds] of holders) {
    if (workerIds.length > 1)
      violations.push({
        invariant: 'ec2-workers',
        subject: `instance ${instanceId}`,
        detail: `claimed by ${workerIds.length} workers: ${workerIds.join(', ')}`,
      });
  }
  return violations;
}

export function checkCmlLabRecords(snapshot: SystemSnapshot): Violation[] {
  const violations: Violation[] = [];
  const workerByInstance = new Map(
    snapshot.workers
      .filter((worker) => worker.aws_instance_id !== null)
      .map((worker) => [worker.aws_instance_id as string, worker.id]),
  );
  const recordsPerLab = new Map<string, LabRecordState[]>();
  for (const record of snapshot.labRecords) {
    const key = `${record.runtime_binding.worker_id}/${record.runtime_binding.lab_id}`;
    recordsPerLab.set(key, [...(recordsPerLab.get(key) ?? []), record]);
  }
  for (const lab of snapshot.cmlLabs) {
    const workerId = workerByInstance.get(lab.workerKey);
    if (workerId === undefined) continue;
    const records = (recordsPerLab.get(`${workerId}/${lab.labId}`) ?? []).filter(
      (record) => record.status !== 'DELETED',
    );
    if (records.length === 0)
      violations.push({
        invariant: 'cml-lab-records',
        subject: `lab ${lab.labId}`,
        detail: `${lab.state} on worker ${workerId} (${lab.workerKey}) without a LabRecord`,
      });
  }
  for (const [key, records] of recordsPerLab) {
    if (records.length > 1)
      violations.push({
        invariant: 'cml-lab-records',
        subject: `lab ${key}`,
        detail: `${records.length} LabRecords: ${records.map((record) => `${record.id} (${record.status})`).join(', ')}`,
      });
  }
  return violations;
}

const sameCapacity = (a: Capacity, b: Capacity): boolean =>
  a.cpu_cores === b.cpu_cores &&
  a.memory_gb === b.memory_gb &&
  a.storage_gb === b.storage_gb &&
  a.max_nodes === b.max_nodes;
const showCapacity = (c: Capacity): string =>
  `cpu ${c.cpu_cores}, memory ${c.memory_gb}, storage ${c.storage_gb}, nodes ${c.max_nodes}`;

export function checkCapacityAndPorts(snapshot: SystemSnapshot): Violation[] {
  const violations: Violation[] = [];
  const labRecords = new Map(snapshot.labRecords.map((record) => [record.id, record]));
  const holdersByWorker = new Map<string, LabletSessionState[]>();
  for (const session of snapshot.sessions) {
    if (session.worker_id === null || !sessionHoldsCapacity(session.status, session.lab_record_id)) continue;
    holdersByWorker.set(session.worker_id, [...(holdersByWorker.get(session.worker_id) ?? []), session]);
  }
  for (const worker of snapshot.workers) {
    const subject = `worker ${worker.id}`;
    const holders = holdersByWorker.get(worker.id) ?? [];
    const summed = sumCapacity(worker.capacity_allocations.map((allocation) => allocation.capacity));
    if (!sameCapacity(summed, worker.allocated_capacity))
      violations.push({
        invariant: 'capacity-ports',
        subject,
        detail: `allocated ${showCapacity(worker.allocated_capacity)} but its allocations sum to ${showCapacity(summed)}`,
      });
    const allocated = new Set(worker.capacity_allocations.map((allocation) => allocation.session_id));
    const holding = new Set(holders.map((session) => session.id));
    for (const session of holders) {
      if (!allocated.has(session.id))
        violations.push({
          invariant: 'capacity-ports',
          subject,
          detail: `session ${session.id} (${session.status}) holds it without a capacity allocation`,
        });
    }
    for (const id of allocated) {
      if (!holding.has(id))
        violations.push({
          invariant: 'capacity-ports',
          subject,
          detail: `capacity still allocated to session ${id}, which does not hold the worker`,
        });
    }
    violations.push(...portViolations(worker, holding, labRecords));
  }
  return violations;
}

function portViolations(
  worker: CmlWorkerState,
  holding: ReadonlySet<string>,
  labRecords: ReadonlyMap<string, LabRecordState>,
): Violation[] {
  const violations: Violation[] = [];
  const subject = `worker ${worker.id}`;
  const owners = new Map<number, string>();
  for (const allocation of worker.port_allocations) {
    const holder = `${allocation.holder_kind} ${allocation.holder_id}`;
    if (allocation.holder_kind === 'session' && !holding.has(allocation.holder_id))
      violations.push({
        invariant: 'capacity-ports',
        subject,
        detail: `ports still reserved for ${holder}, which does not hold the worker`,
      });
    if (allocation.holder_kind === 'lab_record') {
      const record = labRecords.get(allocation.holder_id);
      // Decision 20: a lab's ports stay with its LabRecord until the lab is deleted.
      if (!record || record.status === 'DELETED')
        violations.push({
          invariant: 'capacity-ports',
          subject,
          detail: `ports still held by ${holder}, which is ${record ? 'DELETED' : 'not in the store'}`,
        });
    }
    for (const port of Object.values(allocation.ports)) {
      if (port < worker.port_range_start || port > worker.port_range_end)
        violations.push({
          invariant: 'capacity-ports',
          subject,
          detail: `port ${port} of ${holder} is outside ${worker.port_range_start}-${worker.port_range_end}`,
        });
      const owner = owners.get(port);
      if (owner !== undefined)
        violations.push({
          invariant: 'capacity-ports',
          subject,
          detail: `port ${port} held twice: ${owner} and ${holder}`,
        });
      owners.set(port, holder);
    }
  }
  return violations;
}

export function checkPendingActions(snapshot: SystemSnapshot, options: CheckOptions): Violation[] {
  const oldest = snapshot.takenAt.getTime() - options.pendingActionTimeoutMs;
  return snapshot.labRecords
    .filter(
      (record) =>
        record.pending_action !== null && Date.parse(record.pending_action_at ?? record.updated_at) < oldest,
    )
    .map((record) => ({
      invariant: 'pending-actions' as const,
      subject: `lab record ${record.id}`,
      detail: `${record.pending_action} pending since ${record.pending_action_at}, older than ${options.pendingActionTimeoutMs / 60_000} min`,
    }));
}

type Expectation = { kind: EtcdEntityKeyKind; id: string; expect: (value: unknown) => string | null };

function sessionExpectations(session: LabletSessionState): Map<string, Expectation | null> {
  // Spec §6: the keys of a TERMINATED session go once LC recorded its cleanup.
  const retired = session.status === 'TERMINATED' && session.cleanup_completed_at !== null;
  const id = session.id;
  const hasPorts = Object.keys(session.allocated_ports).length > 0;
  return new Map<string, Expectation | null>([
    [
      etcdKeys.sessionStatus(id),
      retired
        ? null
        : {
            kind: 'sessionStatus',
            id,
            expect: (value) => {
              const { status, worker_id } = value as { status: string; worker_id: string | null };
              return status === session.status && worker_id === session.worker_id
                ? null
                : `holds ${status} on ${worker_id}, store says ${session.status} on ${session.worker_id}`;
            },
          },
    ],
    [
      etcdKeys.sessionDesiredState(id),
      retired
        ? null
        : {
            kind: 'sessionDesiredState',
            id,
            expect: (value) =>
              value === session.desired_status
                ? null
                : `holds ${String(value)}, store says ${session.desired_status}`,
          },
    ],
    [
      etcdKeys.sessionPorts(id),
      retired || !hasPorts
        ? null
        : {
            kind: 'sessionPorts',
            id,
            expect: (value) =>
              samePorts(value as Record<string, number>, session.allocated_ports)
                ? null
                : `holds ${JSON.stringify(value)}, store says ${JSON.stringify(session.allocated_ports)}`,
          },
    ],
  ]);
}

function workerExpectations(worker: CmlWorkerState): Map<string, Expectation | null> {
  const id = worker.id;
  // Spec §6: every key of a TERMINATED worker is deleted.
  if (worker.status === 'TERMINATED')
    return new Map(
      [
        etcdKeys.workerActual(id),
        etcdKeys.workerDesired(id),
        etcdKeys.workerCapacity(id),
        etcdKeys.workerPorts(id),
      ].map((key) => [key, null]),
    );
  const ports = Object.fromEntries(
    worker.port_allocations.map((allocation) => [allocation.holder_id, allocation.ports]),
  );
  return new Map<string, Expectation | null>([
    [
      etcdKeys.workerActual(id),
      {
        kind: 'workerActual',
        id,
        expect: (value) =>
          (value as { status: string }).status === worker.status
            ? null
            : `holds ${(value as { status: string }).status}, store says ${worker.status}`,
      },
    ],
    [
      etcdKeys.workerDesired(id),
      {
        kind: 'workerDesired',
        id,
        expect: (value) => {
          const desired = (value as { desired_status: string }).desired_status;
          return desired === worker.desired_status
            ? null
            : `holds ${desired}, store says ${worker.desired_status}`;
        },
      },
    ],
    [
      etcdKeys.workerCapacity(id),
      {
        kind: 'workerCapacity',
        id,
        expect: (value) => {
          const allocated = (value as { allocated_capacity: Capacity }).allocated_capacity;
          return sameCapacity(allocated, worker.allocated_capacity)
            ? null
            : `allocated ${showCapacity(allocated)}, store says ${showCapacity(worker.allocated_capacity)}`;
        },
      },
    ],
    [
      etcdKeys.workerPorts(id),
      {
        kind: 'workerPorts',
        id,
        expect: (value) =>
          JSON.stringify(sortedPorts(value as Record<string, Record<string, number>>)) ===
          JSON.stringify(sortedPorts(ports))
            ? null
            : `holds ${JSON.stringify(value)}, store says ${JSON.stringify(ports)}`,
      },
    ],
  ]);
}

function labRecordExpectations(record: LabRecordState): Map<string, Expectation | null> {
  return new Map([
    [
      etcdKeys.labPendingAction(record.id),
      record.pending_action === null
        ? null
        : {
            kind: 'labPendingAction' as const,
            id: record.id,
            expect: (value: unknown) =>
              (value as { action: string }).action === record.pending_action
                ? null
                : `holds ${(value as { action: string }).action}, store says ${record.pending_action}`,
          },
    ],
  ]);
}

const samePorts = (a: Record<string, number>, b: Record<string, number>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const sortedPorts = (ports: Record<string, Record<string, number>>): [string, [string, number][]][] =>
  Object.entries(ports)
    .map(([holder, map]): [string, [string, number][]] => [holder, Object.entries(map).sort()])
    .sort(([a], [b]) => a.localeCompare(b));

/** Decision 18: etcd holds exactly what the committed store implies, and nothing of entities that are gone. */
export function checkEtcdProjection(snapshot: SystemSnapshot): Violation[] {
  const violations: Violation[] = [];
  const expected = new Map<string, Expectation | null>();
  for (const session of snapshot.sessions)
    sessionExpectations(session).forEach((value, key) => expected.set(key, value));
  for (const worker of snapshot.workers)
    workerExpectations(worker).forEach((value, key) => expected.set(key, value));
  for (const record of snapshot.labRecords)
    labRecordExpectations(record).forEach((value, key) => expected.set(key, value));
  const owners = {
    sessions: new Set(snapshot.sessions.map((session) => session.id)),
    workers: new Set(snapshot.workers.map((worker) => worker.id)),
    lab_records: new Set(snapshot.labRecords.map((record) => record.id)),
  };
  for (const [key, expectation] of expected) {
    const raw = snapshot.etcd.get(key);
    if (expectation === null) {
      if (raw !== undefined)
        violations.push({
          invariant: 'etcd-projection',
          subject: key,
          detail: 'present, but the store implies no such key',
        });
      continue;
    }
    if (raw === undefined) {
      violations.push({
        invariant: 'etcd-projection',
        subject: key,
        detail: 'missing, but the store implies it',
      });
      continue;
    }
    let mismatch: string | null;
    try {
      mismatch = expectation.expect(decodeEtcdValue(expectation.kind, raw));
    } catch (error) {
      mismatch = `unreadable value: ${(error as Error).message}`;
    }
    if (mismatch) violations.push({ invariant: 'etcd-projection', subject: key, detail: mismatch });
  }
  for (const key of snapshot.etcd.keys()) {
    if (expected.has(key)) continue;
    const parsed = parseEtcdKey(key);
    if (!parsed || parsed.kind === 'leader') continue;
    const folder = key.split('/')[2] as keyof typeof owners;
    if (owners[folder] && !owners[folder].has(parsed.id))
      violations.push({
        invariant: 'etcd-projection',
        subject: key,
        detail: `left behind: no ${folder.replace(/s$/, '').replace('_', ' ')} ${parsed.id} in the store`,
      });
  }
  return violations;
}

/** Decision 15: every status change of every aggregate has its audit entry. */
export function checkAuditLog(snapshot: SystemSnapshot): Violation[] {
  const entries = new Map<string, number>();
  const changeKey = (id: string, from: string | null, to: string | null) => `${id}|${from ?? ''}|${to ?? ''}`;
  for (const row of snapshot.audit) {
    const key = changeKey(row.target_id, row.before_status, row.after_status);
    entries.set(key, (entries.get(key) ?? 0) + 1);
  }
  const violations: Violation[] = [];
  const aggregates: [
    string,
    { id: string; status_history: { from: string | null; to: string; at: string }[] }[],
  ][] = [
    ['session', snapshot.sessions],
    ['worker', snapshot.workers],
    ['lab record', snapshot.labRecords],
  ];
  for (const [kind, items] of aggregates) {
    for (const item of items) {
      for (const change of item.status_history) {
        const key = changeKey(item.id, change.from, change.to);
        const left = entries.get(key) ?? 0;
        if (left > 0) entries.set(key, left - 1);
        else
          violations.push({
            invariant: 'audit-log',
            subject: `${kind} ${item.id}`,
            detail: `change ${change.from ?? '(new)'} → ${change.to} at ${change.at} has no audit entry`,
          });
      }
    }
  }
  return violations;
}

export interface InvariantReport {
  violations: Violation[];
  figures: Record<string, number>;
}

const countBy = <T>(
  items: readonly T[],
  key: (item: T) => string,
  prefix: string,
): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[`${prefix}${key(item)}`] = (counts[`${prefix}${key(item)}`] ?? 0) + 1;
  return counts;
};

/** Runs every invariant over one snapshot; `figures` are the counts a run prints beside the verdict. */
export function checkInvariants(snapshot: SystemSnapshot, options: CheckOptions): InvariantReport {
  const violations = [
    ...checkSessionsSettled(snapshot, options),
    ...checkEc2Workers(snapshot),
    ...checkCmlLabRecords(snapshot),
    ...checkCapacityAndPorts(snapshot),
    ...checkEtcdProjection(snapshot),
    ...checkPendingActions(snapshot, options),
    ...checkAuditLog(snapshot),
  ];
  const figures = {
    sessions: snapshot.sessions.length,
    ...countBy(snapshot.sessions, (session) => session.status, 'sessions.'),
    workers: snapshot.workers.length,
    ...countBy(snapshot.workers, (worker) => worker.status, 'workers.'),
    lab_records: snapshot.labRecords.length,
    ...countBy(snapshot.labRecords, (record) => record.status, 'lab_records.'),
    ec2_instances: snapshot.instances.length,
    cml_labs: snapshot.cmlLabs.length,
    etcd_keys: snapshot.etcd.size,
    audit_entries: snapshot.audit.length,
    violations: violations.length,
  };
  return { violations, figures };
}
