import { LabletSessionStatus } from '@lcm/contracts';
import { SESSION_STATUSES_WITH_WORKER } from '@lcm/domain';
import { FakeClock } from '../fake-clock';
import { aSession } from './session.builder';
import { aWorker } from './worker.builder';

describe('FakeClock', () => {
  it('moves only when stepped or set', () => {
    const clock = new FakeClock('2030-01-01T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(clock.step(90_000).now().toISOString()).toBe('2030-01-01T00:01:30.000Z');
    expect(clock.set(new Date('2031-05-05T05:05:05.000Z')).now().toISOString()).toBe('2031-05-05T05:05:05.000Z');
  });
});

describe('aSession', () => {
  it.each(LabletSessionStatus.options)('builds a valid %s session with the fields that status requires', (status) => {
    const session = aSession().inState(status).build();
    expect(session.status).toBe(status);
    expect(session.workerId !== null).toBe(SESSION_STATUSES_WITH_WORKER.includes(status));
  });

  it('places the session on the given worker and takes its time from the clock', () => {
    const clock = new FakeClock('2030-03-01T10:00:00.000Z');
    const worker = aWorker().running().build(clock);
    const session = aSession().inState('READY').onWorker(worker).withPorts({ a: 2500 }).build(clock);
    expect(session.toState()).toMatchObject({ worker_id: worker.id, allocated_ports: { a: 2500 }, timeslot_start: '2030-03-01T10:00:00.000Z' });
  });
});

describe('aWorker', () => {
  it('builds a placeable running worker', () => {
    expect(aWorker().running().build().notAcceptingReason).toBeNull();
  });
});
