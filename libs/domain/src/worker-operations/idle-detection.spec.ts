import { aWorker } from '@lcm/testing';
import { evaluateIdleness, recordActivity } from './idle-detection';

const settings = { enabled: true, timeout_minutes: 60 };
const at = (iso: string) => new Date(iso);

describe('idle detection', () => {
  it('keeps only counted activity, ignores CML service users and keeps the newest ten', () => {
    const worker = aWorker().running().build().toState();
    const events = Array.from({ length: 12 }, (_, minute) => ({
      type: 'start_node',
      at: `2026-04-10T08:${String(minute).padStart(2, '0')}:00Z`,
    }));
    const activity = recordActivity(
      worker.activity,
      {
        checked_at: '2026-04-10T09:00:00Z',
        events: [
          ...events,
          {
            type: 'user_activity',
            at: '2026-04-10T08:59:00Z',
            user_id: '00000000-0000-4000-8000-000000000001',
          },
          { type: 'heartbeat', at: '2026-04-10T08:58:00Z' },
        ],
      },
      settings,
    );
    expect(activity.recent_activity_events).toHaveLength(10);
    expect(activity.recent_activity_events[0]?.at).toBe('2026-04-10T08:11:00.000Z');
    expect(activity.last_activity_at).toBe('2026-04-10T08:11:00.000Z');
    expect(activity.target_pause_at).toBe('2026-04-10T09:11:00.000Z');
    expect(activity.next_idle_check_at).toBe('2026-04-10T09:30:00.000Z');
  });

  it('is eligible for a pause only when idle, enabled everywhere, not snoozed and RUNNING', () => {
    const base = aWorker().running().build().toState();
    const idle = { ...base, activity: { ...base.activity, last_activity_at: '2026-04-10T08:00:00.000Z' } };
    expect(evaluateIdleness(idle, settings, at('2026-04-10T08:59:00Z'))).toMatchObject({
      is_idle: false,
      eligible_for_pause: false,
    });
    expect(evaluateIdleness(idle, settings, at('2026-04-10T09:00:00Z'))).toMatchObject({
      is_idle: true,
      eligible_for_pause: true,
      target_pause_at: '2026-04-10T09:00:00.000Z',
    });
    expect(
      evaluateIdleness(idle, { ...settings, enabled: false }, at('2026-04-10T10:00:00Z')).eligible_for_pause,
    ).toBe(false);
    expect(
      evaluateIdleness({ ...idle, status: 'DRAINING' }, settings, at('2026-04-10T10:00:00Z'))
        .eligible_for_pause,
    ).toBe(false);
    const resumed = { ...idle, activity: { ...idle.activity, last_resumed_at: '2026-04-10T09:30:00.000Z' } };
    expect(evaluateIdleness(resumed, settings, at('2026-04-10T10:00:00Z'))).toMatchObject({
      is_idle: true,
      eligible_for_pause: false,
      snoozed_until: '2026-04-10T10:30:00.000Z',
    });
  });
});
