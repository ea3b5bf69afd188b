import { ControlPlaneApiClient, NotFoundError } from '@lcm/cpa-client';
import { TEST_INTERNAL_API_KEY } from '../../testing/test-app';
import {
  inMinutes,
  type SessionsTestKit,
  SseReader,
  startSessionsTestKit,
} from '../sessions/testing/session-test-kit';

/**
 * Issue 9: a session no template can ever fit is announced to the dashboards. The resource-scheduler
 * reports it on the internal route; every SSE client gets `lablet_session.unschedulable`.
 */
describe('POST /api/internal/scheduler/unschedulable', () => {
  let kit: SessionsTestKit;
  let scheduler: ControlPlaneApiClient;
  let sse: SseReader;

  beforeAll(async () => {
    kit = await startSessionsTestKit();
    scheduler = new ControlPlaneApiClient({
      baseUrl: kit.cpa.url,
      apiKey: TEST_INTERNAL_API_KEY,
      actor: 'resource-scheduler',
      retry: { maxAttempts: 1 },
    });
    sse = await SseReader.open(kit.cpa.url, await kit.token(['admin'], 'dashboard-tab'));
  });
  afterAll(async () => {
    await sse?.close();
    await kit?.close();
  });

  const report = (sessionId: string, definitionId: string) => ({
    lablet_session_id: sessionId,
    definition_id: definitionId,
    reason: 'no enabled worker template can hold the definition',
    rejections: { capacity: 2, license: 1 },
    flagged_at: '2030-01-01T10:00:00.000Z',
  });

  it('sends a PENDING session’s report to every SSE client', async () => {
    const definition = await kit.seedDefinition();
    const session = await kit.admin.sessions.create({
      body: { definition_id: definition.id, owner: 'candidate@example.com', timeslot_end: inMinutes(60) },
    });

    const answer = await scheduler.scheduler.reportUnschedulable({ body: report(session.id, definition.id) });

    expect(answer).toEqual({ lablet_session_id: session.id, published: true });
    const frame = await sse.waitFor(
      (candidate) =>
        candidate.event === 'lablet_session.unschedulable' &&
        candidate.data['lablet_session_id'] === session.id,
    );
    // Every SSE event carries the time it was published (`at`) beside its data.
    expect(frame.data).toEqual({ ...report(session.id, definition.id), at: expect.any(String) });
  });

  it('announces nothing for a session that is no longer PENDING, and answers 404 for an unknown one', async () => {
    const definition = await kit.seedDefinition();
    const session = await kit.admin.sessions.create({
      body: { definition_id: definition.id, owner: 'candidate@example.com', timeslot_end: inMinutes(60) },
    });
    await kit.admin.sessions.terminate({ params: { lablet_session_id: session.id } });

    expect(
      await scheduler.scheduler.reportUnschedulable({ body: report(session.id, definition.id) }),
    ).toEqual({ lablet_session_id: session.id, published: false });
    await expect(
      scheduler.scheduler.reportUnschedulable({
        body: report('0f3c8a2e-9d41-4c7b-8a55-000000000000', definition.id),
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(
      sse.frames.filter(
        (frame) =>
          frame.event === 'lablet_session.unschedulable' && frame.data['lablet_session_id'] === session.id,
      ),
    ).toEqual([]);
  });

  it('refuses a report without the API key or with a malformed body', async () => {
    const unauthenticated = await kit.http.post('/api/internal/scheduler/unschedulable', report('x', 'y'));
    expect(unauthenticated.status).toBe(401);
    const malformed = await kit.http.post(
      '/api/internal/scheduler/unschedulable',
      { lablet_session_id: 'x' },
      { headers: kit.internalHeaders },
    );
    expect(malformed.status).toBe(400);
  });
});
