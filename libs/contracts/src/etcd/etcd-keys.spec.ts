import { ids } from '../testing/sample-documents';
import {
  decodeEtcdValue,
  encodeEtcdValue,
  etcdKeys,
  etcdPrefixes,
  parseEtcdKey,
  type EtcdEntityKeyKind,
} from './etcd-keys';

const at = '2026-04-09T16:36:44Z';

describe('etcd key layout', () => {
  it.each([
    ['sessionStatus', '/lcm/sessions/s1/status'],
    ['sessionPorts', '/lcm/sessions/s1/ports'],
    ['sessionDesiredState', '/lcm/sessions/s1/desired_state'],
    ['sessionObserveResources', '/lcm/sessions/s1/observe_resources'],
    ['workerDesired', '/lcm/workers/s1/desired'],
    ['workerActual', '/lcm/workers/s1/actual'],
    ['workerCapacity', '/lcm/workers/s1/capacity'],
    ['workerPorts', '/lcm/workers/s1/ports'],
    ['workerLicense', '/lcm/workers/s1/license'],
    ['workerDiscoverLabs', '/lcm/workers/s1/discover_labs'],
    ['labPendingAction', '/lcm/lab_records/s1/pending_action'],
    ['definitionContentSync', '/lcm/definitions/s1/content_sync'],
  ] as const)('%s(id) is %s and parses back', (kind, key) => {
    expect(etcdKeys[kind as EtcdEntityKeyKind]('s1')).toBe(key);
    expect(parseEtcdKey(key)).toEqual({ kind, id: 's1' });
  });

  it('names the leader key per controller', () => {
    expect(etcdKeys.leader('resource-scheduler')).toBe('/lcm/resource-scheduler/leader');
    expect(parseEtcdKey('/lcm/lablet-controller/leader')).toEqual({
      kind: 'leader',
      controller: 'lablet-controller',
    });
  });

  it('ends every watch prefix with a slash so one id never matches another', () => {
    expect(etcdPrefixes.sessions).toBe('/lcm/sessions/');
    expect(etcdPrefixes.session('1')).toBe('/lcm/sessions/1/');
    expect(etcdKeys.sessionStatus('10').startsWith(etcdPrefixes.session('1'))).toBe(false);
    expect(etcdKeys.workerCapacity(ids.worker).startsWith(etcdPrefixes.workers)).toBe(true);
    expect(etcdKeys.labPendingAction(ids.labRecord).startsWith(etcdPrefixes.labRecords)).toBe(true);
  });

  it('refuses ids that would address another key', () => {
    expect(() => etcdKeys.sessionStatus('a/b')).toThrow(/invalid etcd key segment/);
    expect(() => etcdKeys.workerDesired('')).toThrow(/invalid etcd key segment/);
  });

  it('returns null for keys outside the layout', () => {
    expect(parseEtcdKey('/lcm/sessions/s1/state')).toBeNull();
    expect(parseEtcdKey('/elections/x/leader')).toBeNull();
    expect(parseEtcdKey('/lcm/sessions/s1')).toBeNull();
  });
});

describe('etcd values', () => {
  it('stores the desired state bare, everything else (the leader too) as JSON', () => {
    expect(encodeEtcdValue('sessionDesiredState', 'terminated')).toBe('terminated');
    const leader = {
      replica_id: 'rs-1-abcd',
      admin_url: 'http://10.0.0.5:8081',
      elected_at: '2030-01-07T09:00:00.000Z',
    };
    expect(encodeEtcdValue('leader', leader)).toBe(JSON.stringify(leader));
    expect(decodeEtcdValue('leader', JSON.stringify(leader))).toEqual(leader);
    expect(encodeEtcdValue('sessionPorts', { serial_1: 2000 })).toBe('{"serial_1":2000}');
  });

  it('round-trips a session status value', () => {
    const value = {
      status: 'PENDING',
      worker_id: null,
      definition_id: ids.definition,
      timeslot_start: null,
      timeslot_end: at,
      updated_at: at,
    } as const;
    expect(decodeEtcdValue('sessionStatus', encodeEtcdValue('sessionStatus', value))).toEqual(value);
  });

  it('round-trips a capacity value', () => {
    const capacity = { cpu_cores: 1, memory_gb: 2, storage_gb: 3, max_nodes: 4 };
    const value = {
      worker_id: ids.worker,
      declared_capacity: capacity,
      allocated_capacity: capacity,
      available_capacity: { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
      assigned_instance_count: 1,
      updated_at: at,
    };
    expect(decodeEtcdValue('workerCapacity', JSON.stringify(value))).toEqual(value);
  });

  it('rejects malformed or mis-shaped values instead of passing them on', () => {
    expect(() => decodeEtcdValue('sessionDesiredState', 'paused')).toThrow();
    expect(() => decodeEtcdValue('labPendingAction', '{"action":"start"')).toThrow(SyntaxError);
    expect(() =>
      decodeEtcdValue(
        'labPendingAction',
        JSON.stringify({ action: 'clone', lab_id: 'l', worker_id: ids.worker, requested_at: at }),
      ),
    ).toThrow();
    expect(() => encodeEtcdValue('workerDesired', { desired_status: 'gone' } as never)).toThrow();
  });
});
