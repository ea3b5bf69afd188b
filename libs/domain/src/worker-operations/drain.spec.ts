import { nextDrainStep } from './drain';

const now = new Date('2026-04-10T12:00:00.000Z');

describe('nextDrainStep', () => {
  it('stops an empty worker', () => {
    expect(
      nextDrainStep({
        drain_started_at: '2026-04-10T11:59:00.000Z',
        drain_timeout_hours: 4,
        active_session_ids: [],
        now,
      }),
    ).toEqual({ kind: 'stop' });
  });

  it('waits for running sessions until the drain timeout', () => {
    expect(
      nextDrainStep({
        drain_started_at: '2026-04-10T10:00:00.000Z',
        drain_timeout_hours: 4,
        active_session_ids: ['s1'],
        now,
      }),
    ).toEqual({
      kind: 'wait',
      until: new Date('2026-04-10T14:00:00.000Z'),
    });
  });

  it('terminates the remaining sessions once the timeout passed', () => {
    expect(
      nextDrainStep({
        drain_started_at: '2026-04-10T08:00:00.000Z',
        drain_timeout_hours: 4,
        active_session_ids: ['s1', 's2'],
        now,
      }),
    ).toEqual({
      kind: 'terminate_sessions',
      session_ids: ['s1', 's2'],
    });
  });
});
