import {
  SESSION_STATUSES_BEFORE_READY,
  SESSION_STATUSES_HOLDING_CAPACITY,
  SESSION_STATUSES_NEVER_HOLDING_CAPACITY,
  SESSION_STATUSES_WITH_LAB_UP,
  SESSION_STATUSES_WITH_WORKER,
  SESSION_TERMINAL_STATUSES,
  sessionHoldsCapacity,
} from './lablet-session.status-traits';
import { LABLET_SESSION_TRANSITIONS } from './lablet-session.transitions';

describe('session status traits', () => {
  it('derives the subsets the spec names (§3.2, decisions 3 and 19)', () => {
    expect(SESSION_STATUSES_WITH_WORKER).toEqual([
      'SCHEDULED',
      'INSTANTIATING',
      'READY',
      'RUNNING',
      'COLLECTING',
      'GRADING',
      'STOPPING',
      'STOPPED',
      'ARCHIVED',
    ]);
    expect(SESSION_STATUSES_HOLDING_CAPACITY).toEqual([
      'SCHEDULED',
      'INSTANTIATING',
      'READY',
      'RUNNING',
      'COLLECTING',
      'GRADING',
      'STOPPING',
    ]);
    expect(SESSION_STATUSES_NEVER_HOLDING_CAPACITY).toEqual(['PENDING', 'STOPPED', 'ARCHIVED', 'TERMINATED']);
    expect(SESSION_STATUSES_WITH_LAB_UP).toEqual(['READY', 'RUNNING', 'COLLECTING', 'GRADING']);
    expect(SESSION_STATUSES_BEFORE_READY).toEqual(['PENDING', 'SCHEDULED', 'INSTANTIATING']);
  });

  it('calls terminal exactly the statuses the state machine leads nowhere from', () => {
    const withoutExits = Object.entries(LABLET_SESSION_TRANSITIONS)
      .filter(([, targets]) => targets.length === 0)
      .map(([status]) => status);
    expect(SESSION_TERMINAL_STATUSES).toEqual(withoutExits);
  });

  it('counts an EXPIRED session against capacity only while its lab must still be torn down', () => {
    expect(sessionHoldsCapacity('EXPIRED', 'lab-1')).toBe(true);
    expect(sessionHoldsCapacity('EXPIRED', null)).toBe(false);
    expect(sessionHoldsCapacity('RUNNING', null)).toBe(true);
    expect(sessionHoldsCapacity('STOPPED', 'lab-1')).toBe(false);
  });
});
