import { randomUUID } from 'node:crypto';
import { etcdKeys, MAX_PAGE_LIMIT } from '@lcm/contracts';
import { SessionEtcdProjector } from './infrastructure/sessions.etcd-projector';
import { inMinutes, type SessionsTestKit, SseReader, startSessionsTestKit } from './testing/session-test-kit';

/** Validation, authorisation, refusals, paging and the projection of the sessions API. */
describe('sessions API', () => {
  let kit: SessionsTestKit;
  let definitionId: string;
  let bearer: (token: string) => { headers: Record<string, string> };
  let adminAuth: { headers: Record<string, string> };

  beforeAll(async () => {
    kit = await startSessionsTestKit();
    definitionId = (await kit.seedDefinition()).id;
    bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });
    adminAuth = bearer(await kit.token(['admin']));
  });
  afterAll(() => kit.close());

  const create = (overrides: Record<string, unknown> = {}) =>
    kit.http.post(
      '/api/v1/sessions',
      { definition_id: definitionId, owner: 'o@example.com', timeslot_end: inMinutes(60), ...overrides },
      adminAuth,
    );

  describe('authentication and roles', () => {
    it('answers 401 without the API key on internal routes and without a token on public ones', async () => {
      const id = randomUUID();
      for (const [method, path] of [
        ['get', '/api/internal/sessions'],
        ['post', `/api/internal/sessions/${id}/schedule`],
        ['post', `/api/internal/sessions/${id}/mark-ready`],
        ['put', `/api/internal/sessions/${id}/lab`],
      ] as const) {
        const answer = await kit.http.request({ method, url: path, data: {} });
        expect({ path, status: answer.status, code: answer.data.code }).toEqual({
          path,
          status: 401,
          code: 'UNAUTHORIZED',
        });
      }
      const wrongKey = await kit.http.get('/api/internal/sessions', {
        headers: { 'x-api-key': 'not-the-key-not-the-key' },
      });
      expect(wrongKey.status).toBe(401);
      expect((await kit.http.get('/api/v1/sessions')).status).toBe(401);
    });

    it('refuses every mutating public sessions route to a `user` token with 403, and lets it read', async () => {
      const session = (await create()).data;
      const user = bearer(await kit.token(['user'], 'bob'));
      const mutations = [
        kit.http.post(
          '/api/v1/sessions',
          { definition_id: definitionId, owner: 'o', timeslot_end: inMinutes(60) },
          user,
        ),
        kit.http.delete(`/api/v1/sessions/${session.id}`, user),
        kit.http.post(`/api/v1/sessions/${session.id}/transition`, { target_status: 'TERMINATED' }, user),
        kit.http.post(`/api/v1/sessions/${session.id}/grade`, undefined, user),
      ];
      for (const answer of await Promise.all(mutations))
        expect(answer.data).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect((await kit.http.get(`/api/v1/sessions/${session.id}`, user)).data.status).toBe('PENDING');
      const manager = bearer(await kit.token(['manager']));
      expect(
        (
          await kit.http.post(
            `/api/v1/sessions/${session.id}/transition`,
            { target_status: 'TERMINATED' },
            manager,
          )
        ).status,
      ).toBe(200);
    });
  });

  describe('create', () => {
    it("shows a session's login URL and device credentials only to operators and its owner, never on SSE", async () => {
      const owner = `cand-${randomUUID().slice(0, 8)}@example.com`;
      const session = (await create({ owner })).data;
      const worker = await kit.seedWorker();
      await kit.internal.sessions.schedule({
        params: { lablet_session_id: session.id },
        body: { worker_id: worker.id },
      });
      await kit.internal.sessions.startInstantiation({ params: { lablet_session_id: session.id } });
      const observer = await SseReader.open(kit.cpa.url, await kit.token(['user'], 'observer'));
      const device = {
        name: 'r1',
        protocol: 'ssh',
        host: '10.0.0.1',
        port: 2001,
        username: 'cisco',
        password: 's3cret',
      };
      try {
        const ready = await kit.http.post(
          `/api/internal/sessions/${session.id}/mark-ready`,
          {
            cml_lab_id: 'lab-1',
            lds_session_id: `lds-${session.id}`,
            login_url: 'https://lds.example.com/launch?token=t0k3n',
            devices: [device],
          },
          { headers: kit.internalHeaders },
        );
        expect(ready.status).toBe(200);
        const broadcast = await observer.waitFor(
          (frame) =>
            frame.event === 'user_session.updated' &&
            (frame.data['user_session'] as { lablet_session_id: string }).lablet_session_id === session.id,
        );
        expect(JSON.stringify(broadcast.data)).not.toMatch(/t0k3n|s3cret|cisco/);
      } finally {
        await observer.close();
      }

      const read = async (roles: ('admin' | 'manager' | 'user')[], subject: string) =>
        (
          await kit.http.get(
            `/api/v1/sessions/${session.id}/user-session`,
            bearer(await kit.token(roles, subject)),
          )
        ).data;
      for (const viewer of [await read(['manager'], 'proctor'), await read(['user'], owner)]) {
        expect(viewer).toMatchObject({
          login_url: 'https://lds.example.com/launch?token=t0k3n',
          devices: [device],
        });
      }
      const stranger = await read(['user'], 'another-candidate@example.com');
      expect(stranger).toMatchObject({
        id: expect.any(String),
        login_url: null,
        devices: [{ ...device, username: null, password: null }],
      });
    });

    it('names every bad field with 400 and never answers 500', async () => {
      const bad = await kit.http.post(
        '/api/v1/sessions',
        { definition_id: 'nope', timeslot_end: 'tomorrow', colour: 'red' },
        adminAuth,
      );
      expect(bad.status).toBe(400);
      expect(bad.data.code).toBe('VALIDATION_FAILED');
      expect(bad.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'body.colour',
        'body.definition_id',
        'body.owner',
        'body.timeslot_end',
      ]);
      const order = await create({ timeslot_start: inMinutes(30), timeslot_end: inMinutes(10) });
      expect(order.data.errors.map((e: { field: string }) => e.field)).toEqual(['body.timeslot_end']);
      const notJson = await kit.http.post('/api/v1/sessions', 'x', {
        headers: { ...adminAuth.headers, 'content-type': 'application/json' },
      });
      expect(notJson.status).toBe(400);
    });

    it('refuses a text longer than its limit with 400 naming the field (an owner of 900 KB was stored)', async () => {
      const huge = await create({ owner: 'o'.repeat(900 * 1024) });
      expect(huge.status).toBe(400);
      expect(huge.data.errors).toEqual([
        { field: 'body.owner', message: expect.stringContaining('at most 4096 characters') },
      ]);
      expect((await create({ owner: 'o'.repeat(4096) })).status).toBe(201);
    });

    it('applies the definition and timeslot rules: 404 unknown, 400 inactive, 400 in the past or too long', async () => {
      expect((await create({ definition_id: randomUUID() })).data).toMatchObject({
        status: 404,
        code: 'NOT_FOUND',
      });
      const inactive = await kit.seedDefinition((builder) => builder.inStatus('deprecated'));
      expect((await create({ definition_id: inactive.id })).data).toMatchObject({
        status: 400,
        code: 'INVALID_REQUEST',
      });
      expect(
        (await create({ timeslot_start: inMinutes(-10), timeslot_end: inMinutes(20) })).data,
      ).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect((await create({ timeslot_end: inMinutes(60 * 24) })).data).toMatchObject({
        status: 400,
        code: 'INVALID_REQUEST',
      });
    });

    it('keeps reservation_id unique, also under concurrent creates', async () => {
      const reservation = `booking-${randomUUID()}`;
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => create({ reservation_id: reservation })),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409).every((a) => a.data.code === 'DUPLICATE')).toBe(true);
      expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
      const listed = await kit.http.get('/api/v1/sessions', {
        ...adminAuth,
        params: { reservation_id: reservation },
      });
      expect(listed.data.items).toHaveLength(1);
    });
  });

  describe('transitions', () => {
    it('answers an invalid transition with 409 naming the current and requested status', async () => {
      const session = (await create()).data;
      const answer = await kit.http.post(
        `/api/internal/sessions/${session.id}/transition`,
        { target_status: 'RUNNING' },
        { headers: kit.internalHeaders },
      );
      expect(answer.data).toMatchObject({
        status: 409,
        code: 'INVALID_TRANSITION',
        current_status: 'PENDING',
        requested_status: 'RUNNING',
      });
      const viaPublic = await kit.http.post(
        `/api/v1/sessions/${session.id}/transition`,
        { target_status: 'STOPPED' },
        adminAuth,
      );
      expect(viaPublic.data).toMatchObject({
        status: 409,
        current_status: 'PENDING',
        requested_status: 'STOPPED',
      });
      const dedicated = await kit.http.post(
        `/api/internal/sessions/${session.id}/transition`,
        { target_status: 'SCHEDULED' },
        { headers: kit.internalHeaders },
      );
      expect(dedicated.data).toMatchObject({ status: 400, errors: [{ field: 'body.target_status' }] });
      const unknown = await kit.http.post(
        `/api/internal/sessions/${session.id}/transition`,
        { target_status: 'FLYING' },
        { headers: kit.internalHeaders },
      );
      expect(unknown.data).toMatchObject({ status: 400, errors: [{ field: 'body.target_status' }] });
      expect(
        (await kit.http.get(`/api/internal/sessions/${randomUUID()}`, { headers: kit.internalHeaders }))
          .status,
      ).toBe(404);
      expect(
        (await kit.http.get('/api/internal/sessions/not-a-uuid', { headers: kit.internalHeaders })).data
          .errors[0].field,
      ).toBe('params.lablet_session_id');
    });

    it('extends a timeslot only to a later end within the definition maximum, and republishes the status key', async () => {
      const session = (await create()).data;
      const path = `/api/v1/sessions/${session.id}/extend-timeslot`;
      const later = inMinutes(90);
      const extended = await kit.http.post(
        path,
        { timeslot_end: later, reason: 'candidate needs more time' },
        adminAuth,
      );
      expect(extended.status).toBe(200);
      expect(Date.parse(extended.data.timeslot_end)).toBe(Date.parse(later));
      const key = JSON.parse((await kit.etcd.get(etcdKeys.sessionStatus(session.id)).string()) ?? '{}');
      expect(Date.parse(key.timeslot_end)).toBe(Date.parse(later));

      const earlier = await kit.http.post(path, { timeslot_end: inMinutes(30) }, adminAuth);
      expect(earlier.status).toBe(400);
      const beyondMaximum = await kit.http.post(path, { timeslot_end: inMinutes(60 * 24 * 30) }, adminAuth);
      expect(beyondMaximum.status).toBe(400);
      const notADate = await kit.http.post(path, { timeslot_end: 'tomorrow' }, adminAuth);
      expect(notADate.data.errors).toEqual([expect.objectContaining({ field: 'body.timeslot_end' })]);
      expect(
        Date.parse((await kit.http.get(`/api/v1/sessions/${session.id}`, adminAuth)).data.timeslot_end),
      ).toBe(Date.parse(later));
    });

    it('terminates from PENDING with DELETE; terminating again is a 200 no-op', async () => {
      const session = (await create()).data;
      const first = await kit.http.delete(`/api/v1/sessions/${session.id}`, adminAuth);
      expect(first.data).toMatchObject({
        status: 'TERMINATED',
        terminated_by: 'admin-user',
        desired_status: 'terminated',
      });
      const second = await kit.http.delete(`/api/v1/sessions/${session.id}`, adminAuth);
      expect(second.status).toBe(200);
      expect(second.data.version).toBe(first.data.version);
    });

    it('records the steps a pipeline-progress write carries before its own, in order', async () => {
      const session = (await create()).data;
      const recorded = await kit.internal.sessions.updatePipelineProgress({
        params: { lablet_session_id: session.id },
        body: {
          pipeline: 'instantiate',
          step: 'lds_provision',
          status: 'running',
          result_data: { lds_session_id: 'lds-1' },
          progress: [
            { pipeline: 'instantiate', step: 'lab_start', status: 'completed' },
            { pipeline: 'instantiate', step: 'lds_provision', status: 'pending' },
          ],
        },
      });
      expect(recorded.pipeline_progress['instantiate']).toEqual({
        lab_start: expect.objectContaining({ status: 'completed', result_data: null }),
        lds_provision: expect.objectContaining({
          status: 'running',
          result_data: { lds_session_id: 'lds-1' },
        }),
      });
    });

    it('keeps what an unfinished step recorded (its LDS session id, its attempts) beside its later entries; a completed entry states its results whole', async () => {
      const session = (await create()).data;
      const record = (status: 'running' | 'failed' | 'completed', result_data: Record<string, unknown>) =>
        kit.internal.sessions.updatePipelineProgress({
          params: { lablet_session_id: session.id },
          body: { pipeline: 'instantiate', step: 'lds_provision', status, result_data },
        });
      const resultsAfter = async (...entry: Parameters<typeof record>) =>
        (await record(...entry)).pipeline_progress['instantiate']?.['lds_provision']?.result_data;

      await record('failed', { attempts: 1 });
      expect(await resultsAfter('running', { lds_session_id: 'lds-1', region: 'us-east-1' })).toEqual({
        attempts: 1,
        lds_session_id: 'lds-1',
        region: 'us-east-1',
      });
      expect(await resultsAfter('failed', { attempts: 2 })).toEqual({
        attempts: 2,
        lds_session_id: 'lds-1',
        region: 'us-east-1',
      });
      expect(
        await resultsAfter('completed', { lds_session_id: 'lds-1', login_url: 'https://lds.example.com/a' }),
      ).toEqual({ lds_session_id: 'lds-1', login_url: 'https://lds.example.com/a' });
    });

    it('re-applies a change that lost an optimistic-concurrency race: concurrent updates all land, never 500', async () => {
      const session = (await create()).data;
      const steps = Array.from({ length: 10 }, (_, step) => `s${step}`);
      const answers = await Promise.all(
        steps.map((step) =>
          kit.http.put(
            `/api/internal/sessions/${session.id}/pipeline-progress`,
            { pipeline: 'instantiate', step, status: 'completed' },
            { headers: kit.internalHeaders },
          ),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(steps.map(() => 200));
      const progress = (await kit.internal.sessions.get({ params: { lablet_session_id: session.id } }))
        .pipeline_progress;
      expect(Object.keys(progress['instantiate'] ?? {}).sort()).toEqual(steps);
    });

    it('refuses mark-ready, a score and cleanup outside their status with 409', async () => {
      const session = (await create()).data;
      const headers = { headers: kit.internalHeaders };
      const ready = await kit.http.post(
        `/api/internal/sessions/${session.id}/mark-ready`,
        { cml_lab_id: 'x', lds_session_id: 'l', login_url: 'https://lds.example.com/a', devices: [] },
        headers,
      );
      expect(ready.data).toMatchObject({ status: 409, current_status: 'PENDING', requested_status: 'READY' });
      const score = await kit.http.post(
        `/api/internal/sessions/${session.id}/score-report`,
        { score: 1, max_score: 2, sections: [] },
        headers,
      );
      expect(score.data).toMatchObject({ status: 409, current_status: 'PENDING' });
      const cleanup = await kit.http.post(
        `/api/internal/sessions/${session.id}/cleanup-completed`,
        undefined,
        headers,
      );
      expect(cleanup.data).toMatchObject({ status: 409, code: 'INVALID_TRANSITION' });
      expect((await kit.http.get(`/api/v1/sessions/${session.id}/user-session`, adminAuth)).status).toBe(404);
      expect((await kit.http.get(`/api/v1/sessions/${session.id}/score-report`, adminAuth)).status).toBe(404);
    });
  });

  describe('lists', () => {
    it('pages with an opaque cursor in a stable order, filters, and bounds the limit', async () => {
      const owner = `pager-${randomUUID()}@example.com`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await create({ owner })).data.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await kit.admin.sessions.list({
          query: { owner, limit: 2, ...(cursor ? { cursor } : {}) },
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      // Every session exactly once, in the order one big page shows (newest first, ties by id).
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...ids].sort());
      const whole = await kit.admin.sessions.list({ query: { owner, limit: 200 } });
      expect(seen).toEqual(whole.items.map((item) => item.id));
      const internalOrder = await kit.internal.sessions.list({
        query: { owner, status: ['PENDING'], limit: 200 },
      });
      expect(internalOrder.items.map((item) => item.id)).toEqual([...seen].reverse());

      const tooMany = await kit.http.get('/api/v1/sessions', {
        ...adminAuth,
        params: { limit: MAX_PAGE_LIMIT + 1, colour: 'red' },
      });
      expect(tooMany.data.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'query.colour',
        'query.limit',
      ]);
      const badCursor = await kit.http.get('/api/v1/sessions', {
        ...adminAuth,
        params: { cursor: 'garbage' },
      });
      expect(badCursor.data).toMatchObject({ status: 400, errors: [{ field: 'query.cursor' }] });
      const defaults = await kit.http.get('/api/v1/sessions', adminAuth);
      expect(defaults.data.items.length).toBeLessThanOrEqual(50);
    });

    it('filters by timeslot range (overlap)', async () => {
      const owner = `slots-${randomUUID()}`;
      const early = (await create({ owner, timeslot_start: inMinutes(10), timeslot_end: inMinutes(40) }))
        .data;
      const late = (await create({ owner, timeslot_start: inMinutes(100), timeslot_end: inMinutes(130) }))
        .data;
      const window = await kit.admin.sessions.list({
        query: { owner, timeslot_from: inMinutes(30), timeslot_to: inMinutes(60) },
      });
      expect(window.items.map((item) => item.id)).toEqual([early.id]);
      const later = await kit.admin.sessions.list({ query: { owner, timeslot_from: inMinutes(90) } });
      expect(later.items.map((item) => item.id)).toEqual([late.id]);
    });
  });

  describe('projection and live updates', () => {
    it('republishes every session key from MongoDB and removes keys of unknown sessions', async () => {
      const session = (await create()).data;
      const ghost = randomUUID();
      await kit.etcd.delete().prefix(`/lcm/sessions/${session.id}/`);
      await kit.etcd.put(etcdKeys.sessionDesiredState(ghost)).value('running');
      await kit.cpa.app.get(SessionEtcdProjector).republishAll();
      expect(JSON.parse((await kit.etcd.get(etcdKeys.sessionStatus(session.id)).string())!)).toMatchObject({
        status: 'PENDING',
        definition_id: definitionId,
      });
      expect(await kit.etcd.get(etcdKeys.sessionDesiredState(ghost)).string()).toBeNull();
    });

    it('starts a new SSE client from a lablet_session.snapshot', async () => {
      const session = (await create()).data;
      const reader = await SseReader.open(kit.cpa.url, await kit.token(['user']));
      try {
        const snapshot = await reader.waitFor((frame) => frame.event === 'lablet_session.snapshot');
        expect((snapshot.data['items'] as { id: string }[]).map((item) => item.id)).toContain(session.id);
      } finally {
        await reader.close();
      }
    });
  });
});
