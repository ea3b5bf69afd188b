import { CloudEvent as SdkEvent, HTTP } from 'cloudevents';
import Fastify, { type FastifyInstance } from 'fastify';
import { apiContract, type LabletSession } from '@lcm/contracts';
import { silentLogger } from '../testing/session-harness';
import { SessionHarness } from '../testing/session-harness';
import { registerCloudEventsRoute, type CloudEventsStats } from './cloud-events.route';
import { DedupeWindow } from './dedupe-window';

const LDS_SOURCE = 'https://labs.lcm.io';

describe('POST /api/events', () => {
  let harness: SessionHarness;
  let app: FastifyInstance;
  let stats: CloudEventsStats;
  let ready: LabletSession;
  let ldsId: string;
  let url: string;

  beforeEach(async () => {
    harness = new SessionHarness();
    app = Fastify();
    stats = registerCloudEventsRoute(
      app,
      {
        cpa: harness.cpa.client,
        clock: harness.clock,
        log: silentLogger,
        dedupeCapacity: 100,
        extraTypePrefixes: ['org.example.'],
      },
      silentLogger,
    ).stats;
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/events`;
    const session = harness.addSession({ status: 'INSTANTIATING' });
    await harness.reconcile(session.id);
    ready = harness.session(session.id);
    ldsId = [...harness.cpa.userSessions.values()][0]!.lds_session_id;
  });
  afterEach(() => app.close());

  const event = (type: string, data: Record<string, unknown>, patch: Record<string, unknown> = {}) =>
    new SdkEvent({ type, source: LDS_SOURCE, subject: ldsId, data, time: '2030-01-07T09:05:00Z', ...patch });

  /** Light-my-request (inject) does not load under jest here, so requests go over loopback. */
  async function post(headers: Record<string, string>, body: string) {
    const response = await fetch(url, { method: 'POST', headers, body });
    const json = (await response.json()) as Record<string, unknown>;
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      json: () => json,
    };
  }

  const send = (message: { headers: Record<string, unknown>; body: unknown }) =>
    post(message.headers as Record<string, string>, String(message.body));

  it('applies a structured lds.session.started: the session is RUNNING with the LDS time', async () => {
    const response = await send(HTTP.structured(event('lds.session.started', { sessionId: ldsId })));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'applied' });
    expect(harness.session(ready.id)).toMatchObject({
      status: 'RUNNING',
      started_at: '2030-01-07T09:05:00.000Z',
    });
  });

  it.each([
    'io.lablet.lds.session.running.v1',
    'com.cisco.certs.lds.session.running.v1',
    'org.example.lds.session.started',
  ])('accepts the %s family in binary mode', async (type) => {
    const response = await send(HTTP.binary(event(type, { aggregateId: ldsId })));
    expect(response.statusCode).toBe(200);
    expect(harness.session(ready.id).status).toBe('RUNNING');
  });

  it('applies a duplicate once and answers it as a duplicate', async () => {
    const started = event('lds.session.started', {});
    await send(HTTP.structured(started));
    const again = await send(HTTP.binary(started));
    expect(again.json()).toEqual({ status: 'duplicate' });
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.notifySessionStarted)).toHaveLength(1);
    expect(stats).toMatchObject({ applied: 1, duplicates: 1 });
  });

  it('treats an ended event before the start as start then end, and a late start as no change', async () => {
    await send(HTTP.structured(event('lds.session.ended', { endedBy: 'user' })));
    expect(harness.session(ready.id).status).toBe('COLLECTING');
    const late = await send(HTTP.structured(event('lds.session.started', {})));
    expect(late.json()).toEqual({ status: 'no_change' });
    expect(harness.session(ready.id).status).toBe('COLLECTING');
  });

  it('ends an ungraded session into STOPPING', async () => {
    harness.cpa.definitions.set(harness.definition.id, { ...harness.definition, grading_rules_uri: null });
    await send(HTTP.structured(event('lds.session.started', {})));
    await send(HTTP.structured(event('io.lablet.lds.session.ended.v1', {})));
    expect(harness.session(ready.id).status).toBe('STOPPING');
  });

  it('pauses the user session of a running session', async () => {
    await send(HTTP.structured(event('lds.session.started', {})));
    await send(HTTP.structured(event('io.lablet.lds.session.paused.v1', {})));
    expect([...harness.cpa.userSessions.values()][0]?.status).toBe('PAUSED');
  });

  describe('grading', () => {
    beforeEach(async () => {
      harness.cpa.sessions.set(ready.id, { ...harness.session(ready.id), status: 'COLLECTING' });
      await harness.reconcile(ready.id);
      expect(harness.session(ready.id).status).toBe('GRADING');
    });

    const gradingEvent = (type: string, data: Record<string, unknown>) =>
      new SdkEvent({ type, source: 'https://grading.example', subject: ready.id, data });

    it('stores the score, submits the grading session and stops the session', async () => {
      const completed = gradingEvent('grading.session.completed', {
        sessionId: ready.id,
        score: 25,
        maxScore: 30,
        cutScore: 21,
        passed: true,
        scoreReport: {
          generation: 1,
          revision: 1,
          score: 25,
          maxScore: 30,
          sections: [{ id: 'section-1', score: 25, maxScore: 30 }],
        },
      });
      expect((await send(HTTP.structured(completed))).statusCode).toBe(200);
      const session = harness.session(ready.id);
      expect(session).toMatchObject({ status: 'STOPPING', grade_result: 'pass' });
      expect([...harness.cpa.scoreReports.values()][0]).toMatchObject({
        score: 25,
        max_score: 30,
        cut_score: 21,
        sections: [{ name: 'section-1', score: 25, max_score: 30, weight: 1 }],
      });
      expect([...harness.cpa.gradingSessions.values()][0]?.status).toBe('SUBMITTED');
      expect(session.status_history.at(-1)?.reason).toBe('grading_completed: PASS');
    });

    it('faults the grading session and keeps the session GRADING on a failure (decision 21)', async () => {
      await send(
        HTTP.binary(
          gradingEvent('assessment.grading.failed.v1', {
            errorMessage: 'device unreachable',
            errorCode: 'E42',
          }),
        ),
      );
      expect(harness.session(ready.id).status).toBe('GRADING');
      expect([...harness.cpa.gradingSessions.values()][0]).toMatchObject({
        status: 'FAULTED',
        error_message: 'E42: device unreachable',
      });
    });
  });

  it('asks for a redelivery (503) when the grading event overtakes the grading session record', async () => {
    harness.cpa.sessions.set(ready.id, { ...harness.session(ready.id), status: 'COLLECTING' });
    const early = new SdkEvent({
      type: 'grading.session.completed',
      source: 'https://grading.example',
      subject: ready.id,
      data: { score: 1, maxScore: 1 },
    });
    const response = await send(HTTP.structured(early));
    expect(response.statusCode).toBe(503);
    await harness.reconcile(ready.id);
    expect((await send(HTTP.structured(early))).json()).toEqual({ status: 'applied' });
  });

  it('asks for a redelivery when the grading session record is committed between the lookup and the status read', async () => {
    harness.cpa.sessions.set(ready.id, { ...harness.session(ready.id), status: 'GRADING' });
    const racing = new SdkEvent({
      type: 'grading.session.completed',
      source: 'https://grading.example',
      subject: ready.id,
      data: { score: 1, maxScore: 1 },
    });
    expect((await send(HTTP.structured(racing))).statusCode).toBe(503);
  });

  it('asks for a redelivery when the grading session is recorded but the session has not yet moved to GRADING', async () => {
    harness.cpa.sessions.set(ready.id, { ...harness.session(ready.id), status: 'COLLECTING' });
    await harness.reconcile(ready.id);
    expect(harness.cpa.gradingSessions.size).toBe(1);
    // Read between the two writes: the record exists, the session is still COLLECTING.
    harness.cpa.sessions.set(ready.id, { ...harness.session(ready.id), status: 'COLLECTING' });
    const between = new SdkEvent({
      type: 'grading.session.failed',
      source: 'https://grading.example',
      subject: ready.id,
      data: { errorMessage: 'x' },
    });
    expect((await send(HTTP.structured(between))).statusCode).toBe(503);
  });

  it('answers 503 when the control plane is unreachable, and applies the redelivery exactly once', async () => {
    const started = event('lds.session.started', {});
    harness.cpa.fake.failNext(apiContract.internal.sessions.findUserSessions, 503);
    const first = await send(HTTP.structured(started));
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBe('5');
    expect((await send(HTTP.structured(started))).json()).toEqual({ status: 'applied' });
    expect((await send(HTTP.structured(started))).json()).toEqual({ status: 'duplicate' });
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.notifySessionStarted)).toHaveLength(1);
  });

  it('answers 503 when its write lost a race with another writer of the session, and applies the redelivery', async () => {
    const started = event('lds.session.started', {});
    harness.cpa.fake.failNext(apiContract.internal.sessions.notifySessionStarted, 409, 1, 'VERSION_CONFLICT');
    expect((await send(HTTP.structured(started))).statusCode).toBe(503);
    expect((await send(HTTP.structured(started))).json()).toEqual({ status: 'applied' });
    expect(harness.session(ready.id).status).toBe('RUNNING');
  });

  it('accepts an unknown type with 202 and changes nothing', async () => {
    const response = await send(HTTP.structured(event('com.cisco.certs.lds.session.created.v1', {})));
    expect(response.statusCode).toBe(202);
    expect(harness.session(ready.id).status).toBe('READY');
  });

  it('answers 202 for an event about a session LCM does not know', async () => {
    const response = await send(
      HTTP.structured(event('lds.session.started', {}, { subject: 'someone-elses-session' })),
    );
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'uncorrelated' });
  });

  it.each([
    ['a body that is not JSON', { 'content-type': 'application/cloudevents+json' }, '{"specversion":'],
    [
      'an envelope without id',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', source: 's', type: 'lds.session.started' }),
    ],
    [
      'binary mode without ce-source',
      {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': '1',
        'ce-type': 'lds.session.started',
      },
      '{}',
    ],
    [
      'grading data without a score',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({
        specversion: '1.0',
        id: '9',
        source: 's',
        type: 'grading.session.completed',
        subject: 'x',
        data: { maxScore: 3 },
      }),
    ],
    [
      'an event naming no session',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', id: '8', source: 's', type: 'lds.session.started', data: {} }),
    ],
  ])('rejects %s with 400', async (_, headers, body) => {
    const response = await post(headers as Record<string, string>, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()['status']).toBe('rejected');
  });
});

describe('POST /api/events: assessment.collection.* (spec §8.1)', () => {
  let harness: SessionHarness;
  let app: FastifyInstance;
  let url: string;
  let session: LabletSession;
  const ASSESSMENT_SOURCE = 'https://assessment.example.test';

  beforeEach(async () => {
    harness = new SessionHarness();
    app = Fastify();
    registerCloudEventsRoute(
      app,
      {
        cpa: harness.cpa.client,
        clock: harness.clock,
        log: silentLogger,
        dedupeCapacity: 100,
        extraTypePrefixes: [],
      },
      silentLogger,
    );
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/events`;
    const instantiating = harness.addSession({ status: 'INSTANTIATING' });
    await harness.reconcile(instantiating.id);
    session = harness.session(instantiating.id);
  });
  afterEach(() => app.close());

  const at = (status: LabletSession['status']) =>
    harness.cpa.sessions.set(session.id, { ...harness.session(session.id), status });
  const collectionEvent = (type: string, data: Record<string, unknown>) =>
    new SdkEvent({
      type,
      source: ASSESSMENT_SOURCE,
      data: { aggregate_id: session.id, session_id: 'assess-1', collection_id: 'coll-1', ...data },
      time: '2030-01-07T10:00:00Z',
    });
  async function send(message: { headers: Record<string, unknown>; body: unknown }) {
    const response = await fetch(url, {
      method: 'POST',
      headers: message.headers as Record<string, string>,
      body: String(message.body),
    });
    return { statusCode: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('structured collection.completed: the GradingSession is created with the collection id, the session is GRADING', async () => {
    at('COLLECTING');
    const response = await send(
      HTTP.structured(
        collectionEvent('assessment.collection.completed.v1', {
          collected_at: '2030-01-07T09:59:00Z',
          device_count: 3,
        }),
      ),
    );
    expect(response).toEqual({ statusCode: 200, json: { status: 'applied' } });
    const [grading] = harness.cpa.gradingSessions.values();
    expect(grading).toMatchObject({ grading_session_id: 'coll-1', form_qualified_name: 'LCM/TEST/lab-1' });
    expect(grading?.devices).toEqual([...harness.cpa.userSessions.values()][0]?.devices);
    expect(harness.session(session.id).status).toBe('GRADING');
  });

  it('binary collection.completed outside COLLECTING changes nothing, and a redelivery is a duplicate', async () => {
    at('RUNNING');
    const completed = collectionEvent('assessment.collection.completed.v1', {});
    expect((await send(HTTP.binary(completed))).json).toEqual({ status: 'no_change' });
    expect((await send(HTTP.binary(completed))).json).toEqual({ status: 'duplicate' });
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.createGradingSession)).toHaveLength(0);
  });

  it('collection.failed that cannot be retried stops a COLLECTING session with the reason', async () => {
    at('COLLECTING');
    const response = await send(
      HTTP.binary(
        collectionEvent('assessment.collection.failed.v1', {
          error_code: 'E_UNREACHABLE',
          error_message: 'device r1 unreachable',
          retry_possible: false,
        }),
      ),
    );
    expect(response.json).toEqual({ status: 'applied' });
    expect(harness.session(session.id).status).toBe('STOPPING');
    expect(harness.session(session.id).status_history.at(-1)?.reason).toBe(
      'collection_failed: E_UNREACHABLE: device r1 unreachable',
    );
  });

  it('collection.failed that can be retried, or for a session past collection, changes nothing', async () => {
    at('COLLECTING');
    expect(
      (
        await send(
          HTTP.structured(
            collectionEvent('assessment.collection.failed.v1', {
              error_message: 'busy',
              retry_possible: true,
            }),
          ),
        )
      ).json,
    ).toEqual({ status: 'no_change' });
    at('GRADING');
    expect(
      (
        await send(
          HTTP.structured(collectionEvent('assessment.collection.failed', { error_message: 'late' })),
        )
      ).json,
    ).toEqual({ status: 'no_change' });
    expect(harness.session(session.id).status).toBe('GRADING');
  });

  it('answers 202 for a session LCM does not know and 400 for data without aggregate_id', async () => {
    const unknown = new SdkEvent({
      type: 'assessment.collection.completed.v1',
      source: ASSESSMENT_SOURCE,
      data: { aggregate_id: 'no-such-session', collection_id: 'c' },
    });
    expect((await send(HTTP.structured(unknown))).statusCode).toBe(202);
    const malformed = new SdkEvent({
      type: 'assessment.collection.failed.v1',
      source: ASSESSMENT_SOURCE,
      data: { collection_id: 'c', error_message: 'x' },
    });
    const rejected = await send(HTTP.binary(malformed));
    expect(rejected.statusCode).toBe(400);
    expect(String(rejected.json['detail'])).toContain('aggregate_id');
  });
});

describe('DedupeWindow', () => {
  it('forgets the oldest pairs beyond its capacity', async () => {
    const window = new DedupeWindow<string>(2);
    for (const id of ['a', 'b', 'c']) await window.once(DedupeWindow.keyOf('s', id), async () => id);
    expect(window.size).toBe(2);
    expect((await window.once(DedupeWindow.keyOf('s', 'a'), async () => 'again')).duplicate).toBe(false);
    expect((await window.once(DedupeWindow.keyOf('s', 'c'), async () => 'again')).duplicate).toBe(true);
  });

  it('shares one run between concurrent deliveries and remembers nothing that failed', async () => {
    const window = new DedupeWindow<string>(10);
    let runs = 0;
    const apply = async () => {
      runs += 1;
      return 'done';
    };
    const [first, second] = await Promise.all([window.once('k', apply), window.once('k', apply)]);
    expect(runs).toBe(1);
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    await expect(window.once('f', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await window.once('f', async () => 'ok')).duplicate).toBe(false);
  });
});
