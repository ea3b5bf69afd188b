import { createLogger } from '@lcm/observability';
import { type AuditLog } from '../audit/audit-log';
import { type ChangeEvent, type ChangeEventBus } from '../change-events/change-event-bus';
import { OutboxLedger } from '../mongo/outbox';
import { CommitRecorder } from './commit-recorder';

const event = (type: string): ChangeEvent => ({ type, data: {}, at: '2026-12-02T00:00:00.000Z' });

/** A bus whose publishes complete only when the test says so, recording what is in flight. */
function heldBus() {
  const started: string[] = [];
  const pending: (() => void)[] = [];
  const bus = {
    publish: (notification: ChangeEvent) =>
      new Promise<void>((resolve) => {
        started.push(notification.type);
        pending.push(resolve);
      }),
  } as unknown as ChangeEventBus;
  const releaseAll = () => pending.splice(0).forEach((resolve) => resolve());
  return { bus, started, releaseAll };
}

describe('CommitRecorder', () => {
  it('publishes independent notification sequences side by side, each in its order, before the audit', async () => {
    const { bus, started, releaseAll } = heldBus();
    const audit = {
      recordEvents: async () => {
        started.push('audit');
      },
    } as unknown as AuditLog;
    const recorder = new CommitRecorder(
      audit,
      bus,
      createLogger({ service: 'commit-recorder-test', level: 'silent' }),
      1_000,
      new OutboxLedger(),
    );
    const recorded = recorder.record({
      events: [],
      actor: 'resource-scheduler',
      notifications: [event('a.1'), event('a.2')],
      notificationStreams: [[event('b.1'), event('b.2')], [event('c.1')]],
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a.1', 'b.1', 'c.1']);
    releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a.1', 'b.1', 'c.1', 'a.2', 'b.2']);
    releaseAll();
    await recorded;
    expect(started.at(-1)).toBe('audit');
  });
});
