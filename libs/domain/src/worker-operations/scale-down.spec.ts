import { evaluateScaleDown, type ScaleDownInput } from './scale-down';
import { isStartupOverdue, startupDeadline } from './startup-deadline';

const now = new Date('2026-04-10T12:00:00.000Z');
const eligible: ScaleDownInput = {
  settings: { scale_down_enabled: true, min_workers: 0, scale_down_cooldown_s: 600 },
  worker: { status: 'RUNNING', desired_status: 'running' },
  idle: { is_idle: true, eligible_for_pause: true },
  running_workers: 2,
  last_drain_at: null,
  sessions_on_worker: 0,
  sessions_due_within_grace: 0,
  now,
};

describe('evaluateScaleDown', () => {
  it('drains an idle, eligible worker when every guard holds', () => {
    expect(evaluateScaleDown(eligible)).toEqual({ drain: true });
  });

  it.each([
    ['scale_down_disabled', { settings: { ...eligible.settings, scale_down_enabled: false } }],
    ['already_paused', { worker: { status: 'STOPPING', desired_status: 'stopped' } }],
    ['not_idle', { idle: { is_idle: false, eligible_for_pause: false } }],
    ['not_eligible_for_pause', { idle: { is_idle: true, eligible_for_pause: false } }],
    ['min_workers', { settings: { ...eligible.settings, min_workers: 2 } }],
    ['cooldown', { last_drain_at: new Date(now.getTime() - 599_000) }],
    ['sessions_on_worker', { sessions_on_worker: 1 }],
    ['sessions_due', { sessions_due_within_grace: 1 }],
  ] as const)('keeps the worker when %s', (guard, change) => {
    expect(evaluateScaleDown({ ...eligible, ...(change as Partial<ScaleDownInput>) })).toEqual({
      drain: false,
      blocked_by: guard,
    });
  });

  it('allows the next drain once the cooldown passed', () => {
    expect(evaluateScaleDown({ ...eligible, last_drain_at: new Date(now.getTime() - 600_000) })).toEqual({
      drain: true,
    });
  });
});

describe('startup deadline', () => {
  it('gives a worker its template startup time × 1.5', () => {
    expect(startupDeadline('2026-04-10T12:00:00.000Z', 20).toISOString()).toBe('2026-04-10T12:30:00.000Z');
    expect(isStartupOverdue('2026-04-10T11:29:59.000Z', 20, now)).toBe(true);
    expect(isStartupOverdue('2026-04-10T11:30:00.000Z', 20, now)).toBe(false);
    expect(isStartupOverdue(null, 20, now)).toBe(false);
  });
});
