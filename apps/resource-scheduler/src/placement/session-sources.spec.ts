import { encodeEtcdValue, etcdKeys } from '@lcm/contracts';
import { aSessionView, uuid } from '../testing/fleet-fixtures';
import { SessionSnapshots } from './session-snapshots';
import { pendingSessionOf } from './session-sources';

const id = uuid('c', 1);
const statusValue = (status: 'PENDING' | 'SCHEDULED', updatedAt: string) => {
  const session = aSessionView(id, { status, updated_at: updatedAt });
  return encodeEtcdValue('sessionStatus', {
    status: session.status,
    worker_id: session.worker_id,
    definition_id: session.definition_id,
    timeslot_start: session.timeslot_start,
    timeslot_end: session.timeslot_end,
    updated_at: session.updated_at,
  });
};

describe('pendingSessionOf', () => {
  it('names a PENDING session and keeps its status value as the snapshot, used once', () => {
    const snapshots = new SessionSnapshots();
    const raw = statusValue('PENDING', '2030-01-01T00:00:01.000Z');
    expect(pendingSessionOf(etcdKeys.sessionStatus(id), raw, snapshots)).toBe(id);
    expect(snapshots.take(id)).toMatchObject({ status: 'PENDING', updated_at: '2030-01-01T00:00:01.000Z' });
    expect(snapshots.take(id)).toBeUndefined();
  });

  it('forgets the snapshot when the session leaves PENDING, its key is deleted or its value is malformed', () => {
    const snapshots = new SessionSnapshots();
    const key = etcdKeys.sessionStatus(id);
    for (const raw of [statusValue('SCHEDULED', '2030-01-01T00:00:02.000Z'), null, '{"status": broken']) {
      pendingSessionOf(key, statusValue('PENDING', '2030-01-01T00:00:01.000Z'), snapshots);
      expect(pendingSessionOf(key, raw, snapshots)).toBeNull();
      expect(snapshots.size).toBe(0);
    }
  });

  it('ignores keys other than a session status', () => {
    const snapshots = new SessionSnapshots();
    expect(pendingSessionOf(etcdKeys.sessionPorts(id), '{}', snapshots)).toBeNull();
    expect(pendingSessionOf('/lcm/unknown', null, snapshots)).toBeNull();
  });
});

describe('SessionSnapshots', () => {
  it('keeps the newer of two states of a session (a list that started before a watch event)', () => {
    const snapshots = new SessionSnapshots();
    const newer = aSessionView(id, { updated_at: '2030-01-01T00:00:02.000Z' });
    snapshots.note(id, newer);
    snapshots.note(id, aSessionView(id, { updated_at: '2030-01-01T00:00:01.000Z' }));
    expect(snapshots.take(id)).toBe(newer);
  });
});
