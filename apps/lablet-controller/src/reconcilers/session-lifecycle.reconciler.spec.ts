import { randomUUID } from 'node:crypto';
import { encodeEtcdValue, etcdKeys, type LabletSessionStatus } from '@lcm/contracts';
import { sessionTriggers } from './session-lifecycle.reconciler';

const workerId = randomUUID();
const definitionId = randomUUID();

const statusValue = (status: LabletSessionStatus, patch: { updated_at?: string; timeslot_end?: string } = {}) =>
  encodeEtcdValue('sessionStatus', {
    status,
    worker_id: workerId,
    definition_id: definitionId,
    timeslot_start: null,
    timeslot_end: patch.timeslot_end ?? '2030-01-01T10:00:00.000Z',
    updated_at: patch.updated_at ?? '2030-01-01T09:00:00.000Z',
  });

describe('session triggers from the etcd status keys', () => {
  const key = etcdKeys.sessionStatus('s1');

  it('reconciles a session when its status, worker or timeslot moves, not for a write that changed only updated_at', () => {
    const trigger = sessionTriggers();
    expect(trigger(key, statusValue('SCHEDULED'))).toBe('s1');
    expect(trigger(key, statusValue('SCHEDULED', { updated_at: '2030-01-01T09:00:01.000Z' }))).toBeNull();
    expect(trigger(key, statusValue('INSTANTIATING'))).toBe('s1');
    expect(trigger(key, statusValue('INSTANTIATING', { timeslot_end: '2030-01-01T11:00:00.000Z' }))).toBe('s1');
    expect(trigger(key, null)).toBe('s1');
    expect(trigger(key, statusValue('INSTANTIATING', { timeslot_end: '2030-01-01T11:00:00.000Z' }))).toBe('s1');
  });

  it("ignores PENDING sessions (the scheduler's), desired-state keys and other entities", () => {
    const trigger = sessionTriggers();
    expect(trigger(key, statusValue('PENDING'))).toBeNull();
    expect(trigger(etcdKeys.sessionDesiredState('s1'), encodeEtcdValue('sessionDesiredState', 'terminated'))).toBeNull();
    expect(trigger(etcdKeys.sessionPorts('s1'), encodeEtcdValue('sessionPorts', { r1_serial: 2000 }))).toBeNull();
  });

  it('reconciles on a value it cannot read rather than miss a change', () => {
    expect(sessionTriggers()(key, '{not json')).toBe('s1');
  });
});
