import { sampleLabletSession } from '../testing/sample-documents';
import { SSE_EVENT_PAYLOADS, SseEventSchema, SseEventType } from './sse-events';

describe('SSE events', () => {
  it('covers the event names of spec §8.2', () => {
    const expected = [
      'connected',
      'heartbeat',
      'system.sse.shutdown',
      'worker.snapshot',
      'worker.created',
      'worker.imported',
      'worker.status.updated',
      'worker.metrics.updated',
      'worker.labs.updated',
      'worker.terminated',
      'worker.endpoint.updated',
      'worker.activity.updated',
      'worker.paused',
      'worker.resumed',
      'worker.idle_detection.toggled',
      'worker.license.registration.started',
      'worker.license.registration.completed',
      'worker.license.registration.failed',
      'worker.license.deregistered',
      'worker.refresh.requested',
      'worker.refresh.skipped',
      'worker.data.refreshed',
      'worker.capacity.updated',
      'worker.draining',
      'worker.drain.cancelled',
      'worker.scale_up.requested',
      'worker.labs.synced',
      'lablet_session.snapshot',
      'lablet_session.created',
      'lablet_session.status.changed',
      'lablet_session.score.recorded',
      'lablet_session.ports.released',
      'lablet_session.timeslot.extended',
      'lablet_session.terminated',
      'lablet_session.unschedulable',
      'user_session.updated',
      'grading_session.updated',
      'score_report.created',
      'lab.discovered',
      'lab.status.updated',
      'lab.topology.updated',
      'lab.created',
      'lab.action.requested',
      'lab.action.completed',
      'lab.action.failed',
      'lab.orphaned',
      'lab.deleted',
      'lablet_definition.snapshot',
      'lablet_definition.created',
      'lablet_definition.updated',
      'lablet_definition.deprecated',
      'worker_template.created',
      'worker_template.updated',
      'worker_template.deleted',
    ];
    expect([...SseEventType.options].sort()).toEqual(expected.sort());
    expect(Object.keys(SSE_EVENT_PAYLOADS)).toHaveLength(expected.length);
  });

  it('parses a status change with the session and its previous status', () => {
    const event = SseEventSchema.parse({
      id: 'evt-1',
      type: 'lablet_session.status.changed',
      at: '2026-04-09T16:36:44Z',
      data: { session: sampleLabletSession, from_status: 'READY', status: 'RUNNING', reason: null },
    });
    expect(event.type === 'lablet_session.status.changed' && event.data.from_status).toBe('READY');
  });

  it('rejects an unknown event type and a payload that does not match its type', () => {
    expect(
      SseEventSchema.safeParse({ id: 'e', type: 'session.updated', at: '2026-04-09T16:36:44Z', data: {} })
        .success,
    ).toBe(false);
    expect(
      SseEventSchema.safeParse({
        id: 'e',
        type: 'heartbeat',
        at: '2026-04-09T16:36:44Z',
        data: { session: {} },
      }).success,
    ).toBe(false);
    expect(
      SseEventSchema.safeParse({
        id: 'e',
        type: 'heartbeat',
        at: '2026-04-09T16:36:44Z',
        data: { at: '2026-04-09T16:36:44Z' },
      }).success,
    ).toBe(true);
  });
});
