import { encodeEtcdValue, etcdKeys, type StatusHistoryEntry } from '@lcm/contracts';
import {
  CmlWorkerState,
  type CmlWorkerStateInput,
  LabletSessionState,
  type LabletSessionStateInput,
  LabRecordState,
  type LabRecordStateInput,
} from '@lcm/domain';
import { checkInvariants, type CheckOptions, type InvariantName } from './rules';
import { type SystemSnapshot } from './snapshot';

// Ids are UUIDs, as the etcd values' schemas require.
const S1 = '00000001-0000-4000-8000-000000000001';
const S2 = '00000002-0000-4000-8000-000000000002';
const S3 = '00000003-0000-4000-8000-000000000003';
const S4 = '00000004-0000-4000-8000-000000000004';
const S5 = '00000005-0000-4000-8000-000000000005';
const S6 = '00000006-0000-4000-8000-000000000006';
const S7 = '00000007-0000-4000-8000-000000000007';
const W1 = '00000008-0000-4000-8000-000000000008';
const W2 = '00000009-0000-4000-8000-000000000009';
const W_MISSING = '00000010-0000-4000-8000-000000000010';
const W_OLD = '00000011-0000-4000-8000-000000000011';
const LAB1 = '00000012-0000-4000-8000-000000000012';
const LAB2 = '00000013-0000-4000-8000-000000000013';
const LAB_GONE = '00000014-0000-4000-8000-000000000014';
const DEF1 = '00000015-0000-4000-8000-000000000015';
const NOW = new Date('2030-01-07T12:00:00.000Z');
const EARLIER = '2030-01-07T10:00:00.000Z';
const LATER = '2030-01-07T14:00:00.000Z';
const OPTIONS: CheckOptions = { pendingActionTimeoutMs: 30 * 60_000 };
const DEMAND = { cpu_cores: 2, memory_gb: 4, storage_gb: 10, max_nodes: 3 };

const history = (...statuses: string[]): StatusHistoryEntry[] =>
  statuses.map((to, index) => ({
    from: index === 0 ? null : (statuses[index - 1] ?? null),
    to,
    at: EARLIER,
    reason: null,
    actor: 'test',
  }));

const session = (id: string, input: Partial<LabletSessionStateInput>) =>
  LabletSessionState.parse({
    id,
    version: 3,
    created_at: EARLIER,
    updated_at: EARLIER,
    definition_id: DEF1,
    definition_version: '1.0.0',
    definition_name: 'ccna',
    owner: 'candidate',
    timeslot_start: EARLIER,
    timeslot_end: LATER,
    status: 'PENDING',
    status_history: history('PENDING'),
    ...input,
  });

const worker = (id: string, input: Partial<CmlWorkerStateInput>) =>
  CmlWorkerState.parse({
    id,
    version: 5,
    created_at: EARLIER,
    updated_at: EARLIER,
    name: `worker-${id}`,
    aws_region: 'us-east-1',
    status: 'RUNNING',
    status_history: history('PENDING', 'PROVISIONING', 'RUNNING'),
    declared_capacity: { cpu_cores: 32, memory_gb: 128, storage_gb: 500, max_nodes: 100 },
    ...input,
  });

const labRecord = (id: string, workerId: string, labId: string, input: Partial<LabRecordStateInput> = {}) =>
  LabRecordState.parse({
    id,
    version: 2,
    created_at: EARLIER,
    updated_at: EARLIER,
    runtime_binding: { runtime_type: 'CML', worker_id: workerId, lab_id: labId },
    status: 'BOOTED',
    status_history: history('IMPORTING', 'DEFINED', 'BOOTED'),
    source: 'import',
    ...input,
  });

/** A consistent system: one RUNNING session on w1 with its lab, one TERMINATED and cleaned up, an idle w2. */
function healthy(): SystemSnapshot {
  const running = session(S1, {
    status: 'RUNNING',
    status_history: history('PENDING', 'SCHEDULED', 'INSTANTIATING', 'READY', 'RUNNING'),
    worker_id: W1,
    lab_record_id: LAB1,
    cml_lab_id: 'cml-1',
    allocated_ports: { r1_serial: 2000 },
  });
  const done = session(S2, {
    status: 'TERMINATED',
    status_history: history('PENDING', 'TERMINATED'),
    cleanup_completed_at: EARLIER,
  });
  const w1 = worker(W1, {
    aws_instance_id: 'i-1',
    allocated_capacity: DEMAND,
    capacity_allocations: [{ session_id: S1, capacity: DEMAND, allocated_at: EARLIER }],
    session_ids: [S1],
    port_allocations: [
      { holder_id: LAB1, holder_kind: 'lab_record', ports: { r1_serial: 2000 }, allocated_at: EARLIER },
    ],
  });
  const w2 = worker(W2, { aws_instance_id: 'i-2' });
  const lab = labRecord(LAB1, W1, 'cml-1', { active_lablet_session_id: S1 });
  const sessions = [running, done];
  const workers = [w1, w2];
  const etcd = new Map<string, string>([
    [
      etcdKeys.sessionStatus(S1),
      encodeEtcdValue('sessionStatus', {
        status: 'RUNNING',
        worker_id: W1,
        definition_id: DEF1,
        timeslot_start: EARLIER,
        timeslot_end: LATER,
        updated_at: EARLIER,
      }),
    ],
    [etcdKeys.sessionDesiredState(S1), 'running'],
    [etcdKeys.sessionPorts(S1), JSON.stringify({ r1_serial: 2000 })],
    ...workers.flatMap((w): [string, string][] => [
      [
        etcdKeys.workerActual(w.id),
        JSON.stringify({
          status: w.status,
          service_status: w.service_status,
          ec2_state: 'running',
          ip: null,
          at: EARLIER,
        }),
      ],
      [
        etcdKeys.workerDesired(w.id),
        JSON.stringify({ desired_status: 'running', reason: null, requested_by: null, at: EARLIER }),
      ],
      [
        etcdKeys.workerCapacity(w.id),
        JSON.stringify({
          worker_id: w.id,
          declared_capacity: w.declared_capacity,
          allocated_capacity: w.allocated_capacity,
          available_capacity: w.declared_capacity,
          assigned_instance_count: w.session_ids.length,
          updated_at: EARLIER,
        }),
      ],
      [
        etcdKeys.workerPorts(w.id),
        JSON.stringify(Object.fromEntries(w.port_allocations.map((a) => [a.holder_id, a.ports]))),
      ],
    ]),
  ]);
  const audit = [...sessions, ...workers, lab].flatMap((item) =>
    item.status_history.map((change) => ({
      target_id: item.id,
      before_status: change.from,
      after_status: change.to,
    })),
  );
  return {
    takenAt: NOW,
    sessions,
    workers,
    labRecords: [lab],
    audit,
    etcd,
    instances: [
      { instanceId: 'i-1', state: 'running', workerId: W1 },
      { instanceId: 'i-2', state: 'running', workerId: W2 },
      { instanceId: 'i-0', state: 'terminated', workerId: W_OLD },
    ],
    cmlLabs: [{ workerKey: 'i-1', labId: 'cml-1', state: 'STARTED' }],
  };
}

const found = (snapshot: SystemSnapshot, options: CheckOptions = OPTIONS) =>
  checkInvariants(snapshot, options).violations.map(
    (violation) => `${violation.invariant}: ${violation.subject}: ${violation.detail}`,
  );
const only = (snapshot: SystemSnapshot, invariant: InvariantName, options: CheckOptions = OPTIONS) => {
  const violations = checkInvariants(snapshot, options).violations;
  expect(violations.map((violation) => violation.invariant)).toEqual(violations.map(() => invariant));
  return violations.map((violation) => `${violation.subject}: ${violation.detail}`);
};

describe('invariant checker', () => {
  it('finds nothing wrong with a consistent system and counts what it saw', () => {
    const snapshot = healthy();
    expect(found(snapshot, { ...OPTIONS, expectedSessionIds: [S1, S2] })).toEqual([]);
    expect(checkInvariants(snapshot, OPTIONS).figures).toMatchObject({
      sessions: 2,
      'sessions.RUNNING': 1,
      'sessions.TERMINATED': 1,
      workers: 2,
      lab_records: 1,
      ec2_instances: 3,
      cml_labs: 1,
      violations: 0,
    });
  });

  describe('sessions', () => {
    it('reports a session the run created that the store no longer has', () => {
      expect(only(healthy(), 'sessions-settled', { ...OPTIONS, expectedSessionIds: [S1, S2, S3] })).toEqual([
        `session ${S3}: created by the run but missing from the store (lost)`,
      ]);
    });

    it('reports a session stuck mid-flight, but not one waiting inside its timeslot', () => {
      const snapshot = healthy();
      snapshot.sessions.push(session(S3, { timeslot_end: LATER }));
      expect(found(snapshot).filter((line) => line.startsWith('sessions-settled'))).toEqual([]);
      snapshot.sessions.push(
        session(S4, { timeslot_end: EARLIER }),
        session(S5, {
          status: 'STOPPING',
          worker_id: W2,
          status_history: history('PENDING', 'SCHEDULED', 'STOPPING'),
        }),
      );
      const violations = found(snapshot).filter((line) => line.startsWith('sessions-settled'));
      expect(violations).toHaveLength(2);
      expect(violations[0]).toContain(`sessions-settled: session ${S4}: PENDING since`);
      expect(violations[0]).toContain('neither terminal nor waiting');
      expect(violations[1]).toContain(`sessions-settled: session ${S5}: STOPPING since`);
    });

    it('accepts a GRADING session held after a grading fault (decision 21)', () => {
      const snapshot = healthy();
      snapshot.sessions.push(
        session(S6, {
          status: 'GRADING',
          worker_id: W2,
          timeslot_end: EARLIER,
          grading_faulted_at: EARLIER,
          status_history: history('PENDING'),
        }),
      );
      expect(found(snapshot).filter((line) => line.startsWith('sessions-settled'))).toEqual([]);
    });
  });

  describe('EC2 and workers', () => {
    it('reports an instance without a worker, one of a TERMINATED worker and a worker with two instances', () => {
      const snapshot = healthy();
      snapshot.instances.push(
        { instanceId: 'i-3', state: 'running', workerId: W_MISSING },
        { instanceId: 'i-4', state: 'pending', workerId: null },
        { instanceId: 'i-5', state: 'running', workerId: W2 },
      );
      expect(only(snapshot, 'ec2-workers')).toEqual([
        `instance i-3: running, tagged for worker ${W_MISSING} that is not in the store`,
        'instance i-4: pending without an lcm:worker-id tag',
        `instance i-5: running, but its worker ${W2} records instance i-2`,
        `worker ${W2}: 2 live instances: i-2, i-5`,
      ]);
    });

    it('reports a live worker whose instance is gone and an instance claimed by two workers', () => {
      const snapshot = healthy();
      snapshot.instances = snapshot.instances.filter((instance) => instance.instanceId !== 'i-2');
      snapshot.workers[1] = worker(W2, { aws_instance_id: 'i-1' });
      expect(found(snapshot).filter((line) => line.startsWith('ec2-workers'))).toEqual([
        `ec2-workers: instance i-1: claimed by 2 workers: ${W1}, ${W2}`,
      ]);
      snapshot.workers[1] = worker(W2, { aws_instance_id: 'i-2', status: 'STOPPED' });
      expect(found(snapshot).filter((line) => line.startsWith('ec2-workers'))).toEqual([
        `ec2-workers: worker ${W2}: STOPPED, but instance i-2 is gone or terminated`,
      ]);
    });
  });

  describe('CML labs and LabRecords', () => {
    it('reports a CML lab without a LabRecord and two LabRecords for one lab', () => {
      const snapshot = healthy();
      snapshot.cmlLabs.push(
        { workerKey: 'i-2', labId: 'cml-9', state: 'DEFINED_ON_CORE' },
        { workerKey: 'i-other', labId: 'cml-x', state: 'STARTED' },
      );
      snapshot.labRecords.push(labRecord(LAB2, W1, 'cml-1', { status: 'WIPED', status_history: [] }));
      expect(only(snapshot, 'cml-lab-records')).toEqual([
        `lab cml-9: DEFINED_ON_CORE on worker ${W2} (i-2) without a LabRecord`,
        `lab ${W1}/cml-1: 2 LabRecords: ${LAB1} (BOOTED), ${LAB2} (WIPED)`,
      ]);
    });
  });

  describe('capacity and ports', () => {
    it('reports allocated capacity that differs from the sessions holding the worker', () => {
      const snapshot = healthy();
      snapshot.workers[0] = worker(W1, {
        ...snapshot.workers[0],
        allocated_capacity: { ...DEMAND, cpu_cores: 3 },
        capacity_allocations: [
          { session_id: S1, capacity: DEMAND, allocated_at: EARLIER },
          {
            session_id: S2,
            capacity: { cpu_cores: 1, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
            allocated_at: EARLIER,
          },
        ],
      });
      snapshot.sessions.push(
        session(S7, { status: 'SCHEDULED', worker_id: W1, status_history: history('PENDING', 'SCHEDULED') }),
      );
      const violations = found(snapshot).filter((line) => line.startsWith('capacity-ports'));
      expect(violations).toEqual([
        `capacity-ports: worker ${W1}: session ${S7} (SCHEDULED) holds it without a capacity allocation`,
        `capacity-ports: worker ${W1}: capacity still allocated to session ${S2}, which does not hold the worker`,
      ]);
    });

    it('reports the sum of allocations that is not the allocated capacity', () => {
      const snapshot = healthy();
      snapshot.workers[0] = worker(W1, {
        ...snapshot.workers[0],
        allocated_capacity: DEMAND,
        capacity_allocations: [],
      });
      snapshot.sessions[0] = session(S1, { ...snapshot.sessions[0], status: 'STOPPED' });
      expect(found(snapshot).filter((line) => line.startsWith('capacity-ports'))).toEqual([
        `capacity-ports: worker ${W1}: allocated cpu 2, memory 4, storage 10, nodes 3 but its allocations sum to cpu 0, memory 0, storage 0, nodes 0`,
      ]);
    });

    it('reports a port held twice, outside the range or by a holder that let go', () => {
      const snapshot = healthy();
      snapshot.workers[1] = worker(W2, {
        aws_instance_id: 'i-2',
        port_allocations: [
          { holder_id: S2, holder_kind: 'session', ports: { a: 2001 }, allocated_at: EARLIER },
          { holder_id: LAB1, holder_kind: 'lab_record', ports: { b: 2001, c: 9000 }, allocated_at: EARLIER },
        ],
      });
      const violations = found(snapshot).filter((line) => line.startsWith('capacity-ports'));
      expect(violations).toEqual([
        `capacity-ports: worker ${W2}: ports still reserved for session ${S2}, which does not hold the worker`,
        `capacity-ports: worker ${W2}: port 2001 held twice: session ${S2} and lab_record ${LAB1}`,
        `capacity-ports: worker ${W2}: port 9000 of lab_record ${LAB1} is outside 2000-7999`,
      ]);
    });
  });

  describe('etcd projection', () => {
    it('reports a missing key, a stale value, a key that should be gone and one left behind', () => {
      const snapshot = healthy();
      const etcd = new Map(snapshot.etcd);
      etcd.delete(etcdKeys.sessionDesiredState(S1));
      etcd.set(
        etcdKeys.sessionStatus(S1),
        encodeEtcdValue('sessionStatus', {
          status: 'READY',
          worker_id: W1,
          definition_id: DEF1,
          timeslot_start: EARLIER,
          timeslot_end: LATER,
          updated_at: EARLIER,
        }),
      );
      etcd.set(
        etcdKeys.sessionStatus(S2),
        encodeEtcdValue('sessionStatus', {
          status: 'TERMINATED',
          worker_id: null,
          definition_id: DEF1,
          timeslot_start: EARLIER,
          timeslot_end: LATER,
          updated_at: EARLIER,
        }),
      );
      etcd.set(
        etcdKeys.labPendingAction(LAB_GONE),
        JSON.stringify({ action: 'stop', lab_id: 'x', worker_id: W1, requested_at: EARLIER }),
      );
      etcd.set('/lcm/lablet-controller/leader', '{}');
      snapshot.etcd = etcd;
      expect(only(snapshot, 'etcd-projection')).toEqual([
        `/lcm/sessions/${S1}/status: holds READY on ${W1}, store says RUNNING on ${W1}`,
        `/lcm/sessions/${S1}/desired_state: missing, but the store implies it`,
        `/lcm/sessions/${S2}/status: present, but the store implies no such key`,
        `/lcm/lab_records/${LAB_GONE}/pending_action: left behind: no lab record ${LAB_GONE} in the store`,
      ]);
    });

    it('expects the pending-action key exactly while the record has an action, and no keys of a TERMINATED worker', () => {
      const snapshot = healthy();
      snapshot.labRecords[0] = labRecord(LAB1, W1, 'cml-1', {
        pending_action: 'stop',
        pending_action_at: '2030-01-07T11:55:00.000Z',
      });
      snapshot.workers[1] = worker(W2, {
        aws_instance_id: null,
        status: 'TERMINATED',
        status_history: history('PENDING', 'PROVISIONING', 'RUNNING'),
      });
      snapshot.instances = snapshot.instances.filter((instance) => instance.workerId !== W2);
      expect(only(snapshot, 'etcd-projection')).toEqual([
        `/lcm/workers/${W2}/actual: present, but the store implies no such key`,
        `/lcm/workers/${W2}/desired: present, but the store implies no such key`,
        `/lcm/workers/${W2}/capacity: present, but the store implies no such key`,
        `/lcm/workers/${W2}/ports: present, but the store implies no such key`,
        `/lcm/lab_records/${LAB1}/pending_action: missing, but the store implies it`,
      ]);
    });
  });

  it('reports a pending lab action older than its timeout', () => {
    const snapshot = healthy();
    snapshot.labRecords[0] = labRecord(LAB1, W1, 'cml-1', {
      pending_action: 'wipe',
      pending_action_at: '2030-01-07T11:00:00.000Z',
    });
    snapshot.etcd = new Map([
      ...snapshot.etcd,
      [
        etcdKeys.labPendingAction(LAB1),
        JSON.stringify({ action: 'wipe', lab_id: 'cml-1', worker_id: W1, requested_at: EARLIER }),
      ],
    ]);
    expect(only(snapshot, 'pending-actions')).toEqual([
      `lab record ${LAB1}: wipe pending since 2030-01-07T11:00:00.000Z, older than 30 min`,
    ]);
  });

  it('reports a status change without its audit entry, counting repeated changes one by one', () => {
    const snapshot = healthy();
    snapshot.audit = snapshot.audit.filter((row) => !(row.target_id === S1 && row.after_status === 'READY'));
    snapshot.workers[1] = worker(W2, {
      aws_instance_id: 'i-2',
      status_history: history('PENDING', 'PROVISIONING', 'RUNNING', 'DRAINING', 'RUNNING'),
    });
    snapshot.audit.push({ target_id: W2, before_status: 'RUNNING', after_status: 'DRAINING' });
    expect(only(snapshot, 'audit-log')).toEqual([
      `session ${S1}: change INSTANTIATING → READY at ${EARLIER} has no audit entry`,
      `worker ${W2}: change DRAINING → RUNNING at ${EARLIER} has no audit entry`,
    ]);
  });
});
