import {
  decodeEtcdValue,
  etcdKeys,
  type LabletSession,
  type LabletSessionStatus,
  SSE_EVENT_PAYLOADS,
  type SseEventType,
} from '@lcm/contracts';
import {
  eventually,
  inMinutes,
  type SessionsTestKit,
  SseReader,
  startSessionsTestKit,
} from './testing/session-test-kit';

const DEVICES = [{ name: 'r1', protocol: 'ssh' as const, host: '10.0.0.10', port: 2000 }];

/**
 * The full session lifecycle over HTTP through the typed clients: child entities at the
 * right steps, capacity allocated at SCHEDULED and released at STOPPED, the etcd projection and
 * the SSE events after every step, and an audit entry for every change.
 */
describe('session lifecycle over HTTP', () => {
  let kit: SessionsTestKit;
  let sse: SseReader;

  beforeAll(async () => {
    kit = await startSessionsTestKit();
    sse = await SseReader.open(kit.cpa.url, await kit.token(['user'], 'watcher'));
  });
  afterAll(async () => {
    await sse.close();
    await kit.close();
  });

  async function etcdStatus(id: string): Promise<string | null> {
    const raw = await kit.etcd.get(etcdKeys.sessionStatus(id)).string();
    return raw === null ? null : decodeEtcdValue('sessionStatus', raw).status;
  }

  /** An SSE event of this type about this session; its payload is checked against the contract. */
  async function sseEvent(
    type: SseEventType,
    sessionId: string,
    extra: (data: Record<string, unknown>) => boolean = () => true,
  ) {
    const frame = await sse.waitFor((f) => {
      if (f.event !== type) return false;
      const session = f.data['session'] as { id?: string } | undefined;
      const child = (f.data['user_session'] ?? f.data['grading_session'] ?? f.data['score_report']) as
        { lablet_session_id?: string } | undefined;
      return (session?.id ?? child?.lablet_session_id) === sessionId && extra(f.data);
    });
    expect(() => SSE_EVENT_PAYLOADS[type].parse(frame.data)).not.toThrow();
    return frame.data;
  }

  /** After each step: the answer, the etcd status key and the SSE status event agree. */
  async function expectStep(session: LabletSession, status: LabletSessionStatus): Promise<void> {
    expect(session.status).toBe(status);
    expect(
      await eventually(
        () => etcdStatus(session.id),
        (value) => value === status,
      ),
    ).toBe(status);
    const event = await sseEvent(
      'lablet_session.status.changed',
      session.id,
      (data) => data['status'] === status,
    );
    expect(event['from_status']).toBe(session.status_history.at(-1)?.from);
  }

  it('runs PENDING → SCHEDULED → … → ARCHIVED → TERMINATED with children, capacity, etcd, SSE and audit', async () => {
    const definition = await kit.seedDefinition((builder) =>
      builder.graded().withPorts('r1_console', 'r2_console'),
    );
    const worker = await kit.seedWorker({ ports: [4000, 4999] });
    const lab = await kit.seedLab(worker, definition.id);

    // PENDING (public create by an operator)
    let session = await kit.admin.sessions.create({
      body: {
        definition_id: definition.id,
        owner: 'candidate@example.com',
        reservation_id: `res-${definition.id}`,
        timeslot_end: inMinutes(90),
      },
    });
    expect(session).toMatchObject({
      status: 'PENDING',
      definition_name: definition.name,
      definition_version: '1.0.0',
      desired_status: 'running',
    });
    expect(
      await eventually(
        () => etcdStatus(session.id),
        (value) => value === 'PENDING',
      ),
    ).toBe('PENDING');
    expect(await kit.etcd.get(etcdKeys.sessionDesiredState(session.id)).string()).toBe('running');
    await sseEvent('lablet_session.created', session.id);

    // SCHEDULED: capacity and ports allocated on the worker
    session = await kit.internal.sessions.schedule({
      params: { lablet_session_id: session.id },
      body: { worker_id: worker.id },
    });
    await expectStep(session, 'SCHEDULED');
    expect(session.allocated_ports).toEqual({ r1_console: 4000, r2_console: 4001 });
    expect((await kit.workers.findById(worker.id))!.allocatedCapacity).toEqual(definition.capacityDemand);
    expect(JSON.parse((await kit.etcd.get(etcdKeys.sessionPorts(session.id)).string())!)).toEqual(
      session.allocated_ports,
    );
    const capacityKey = JSON.parse((await kit.etcd.get(etcdKeys.workerCapacity(worker.id)).string())!);
    expect(capacityKey).toMatchObject({
      worker_id: worker.id,
      allocated_capacity: definition.capacityDemand,
      assigned_instance_count: 1,
    });
    expect(
      (await sseEvent('lablet_session.status.changed', session.id, (d) => d['status'] === 'SCHEDULED'))[
        'session'
      ],
    ).toMatchObject({ worker_id: worker.id });

    // INSTANTIATING, then LC links the lab (decision 2): the reserved ports move to the lab
    session = await kit.internal.sessions.startInstantiation({ params: { lablet_session_id: session.id } });
    await expectStep(session, 'INSTANTIATING');
    // A well-formed link the lab record refutes is a conflict with stored state (409), not bad input.
    const mismatched = await kit.http.put(
      `/api/internal/sessions/${session.id}/lab`,
      { lab_record_id: lab.id, cml_lab_id: `not-${lab.labId}` },
      { headers: kit.internalHeaders },
    );
    expect(mismatched.data).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      errors: [{ field: 'body.cml_lab_id', message: 'does not match the lab record' }],
    });
    // The link reports the cold import (the IMPORTING record learns the CML lab id, DEFINED) and
    // records the pipeline steps it carries in the same write; a repeated link still records its own.
    const importedLabId = `cml-${session.id}`;
    const step = (name: string, result_data?: Record<string, string>) => ({
      pipeline: 'instantiate',
      step: name,
      status: 'completed' as const,
      ...(result_data ? { result_data } : {}),
    });
    session = await kit.internal.sessions.updateSessionLab({
      params: { lablet_session_id: session.id },
      body: {
        lab_record_id: lab.id,
        cml_lab_id: importedLabId,
        imported: true,
        progress: [step('lab_resolve', { mode: 'import' }), step('lab_binding')],
      },
    });
    expect(session).toMatchObject({
      lab_record_id: lab.id,
      cml_lab_id: importedLabId,
      allocated_ports: { r1_console: 4000, r2_console: 4001 },
      pipeline_progress: {
        instantiate: {
          lab_resolve: { status: 'completed', result_data: { mode: 'import' } },
          lab_binding: {},
        },
      },
    });
    session = await kit.internal.sessions.updateSessionLab({
      params: { lablet_session_id: session.id },
      body: { lab_record_id: lab.id, cml_lab_id: importedLabId, progress: [step('lab_start')] },
    });
    expect(Object.keys(session.pipeline_progress['instantiate']!)).toEqual([
      'lab_resolve',
      'lab_binding',
      'lab_start',
    ]);
    const misnamed = await kit.http.post(
      `/api/internal/sessions/${session.id}/mark-ready`,
      {
        cml_lab_id: importedLabId,
        lds_session_id: 'lds-1',
        login_url: 'https://lds.example.com/launch/1',
        devices: DEVICES,
        progress: [{ pipeline: 'instantiate', step: '$set', status: 'completed' }],
      },
      { headers: kit.internalHeaders },
    );
    expect(misnamed.status).toBe(400);
    expect(misnamed.data.errors.map((error: { field: string }) => error.field)).toEqual([
      'body.progress.0.step',
    ]);
    expect((await kit.labs.findById(lab.id))!.toState()).toMatchObject({
      status: 'DEFINED',
      runtime_binding: { lab_id: importedLabId },
      active_lablet_session_id: session.id,
    });
    expect((await kit.workers.findById(worker.id))!.portsHeldBy(lab.id)).toEqual(session.allocated_ports);

    // READY with the UserSession (LDS data) created in the same command
    session = await kit.internal.sessions.markReady({
      params: { lablet_session_id: session.id },
      body: {
        cml_lab_id: importedLabId,
        lds_session_id: 'lds-1',
        lds_part_id: 'part-1',
        login_url: 'https://lds.example.com/launch/1',
        devices: DEVICES,
        progress: [step('lds_provision', { lds_session_id: 'lds-1' })],
      },
    });
    await expectStep(session, 'READY');
    expect(session.pipeline_progress['instantiate']?.['lds_provision']).toMatchObject({
      status: 'completed',
      result_data: { lds_session_id: 'lds-1' },
    });
    const userSession = await kit.admin.sessions.userSession({ params: { lablet_session_id: session.id } });
    expect(userSession).toMatchObject({
      id: session.user_session_id,
      status: 'PROVISIONED',
      lds_session_id: 'lds-1',
      devices: DEVICES,
    });
    expect(
      (await sseEvent('lablet_session.status.changed', session.id, (d) => d['status'] === 'READY'))[
        'session'
      ],
    ).toMatchObject({ user_session_id: userSession.id, cml_lab_id: importedLabId });
    await sseEvent('user_session.updated', session.id);
    const found = await kit.internal.children.findUserSessions({ query: { lds_session_id: 'lds-1' } });
    expect(found.items.map((item) => item.id)).toEqual([userSession.id]);

    // RUNNING (the LDS login) and COLLECTING (the candidate finished)
    session = await kit.internal.sessions.notifySessionStarted({
      params: { lablet_session_id: session.id },
      body: {},
    });
    await expectStep(session, 'RUNNING');
    expect(session.started_at).not.toBeNull();
    expect((await kit.admin.sessions.userSession({ params: { lablet_session_id: session.id } })).status).toBe(
      'ACTIVE',
    );
    session = await kit.internal.sessions.transition({
      params: { lablet_session_id: session.id },
      body: { target_status: 'COLLECTING', reason: 'timeslot_end' },
    });
    await expectStep(session, 'COLLECTING');
    expect(session.ended_at).not.toBeNull();
    expect((await kit.admin.sessions.userSession({ params: { lablet_session_id: session.id } })).status).toBe(
      'ENDED',
    );

    // GRADING with the GradingSession, then the score
    const grading = await kit.internal.children.createGradingSession({
      params: { lablet_session_id: session.id },
      body: {
        grading_session_id: 'engine-1',
        form_qualified_name: 'exam.ccna.lab1',
        devices: DEVICES,
        evidence: [
          {
            node_label: 'r1',
            kind: 'running_config',
            content: 'hostname r1',
            collected_at: new Date().toISOString(),
          },
        ],
      },
    });
    expect(grading).toMatchObject({
      lablet_session_id: session.id,
      grading_session_id: 'engine-1',
      status: 'GRADING',
    });
    session = await kit.internal.sessions.get({ params: { lablet_session_id: session.id } });
    await expectStep(session, 'GRADING');
    expect(session.grading_session_id).toBe(grading.id);
    await sseEvent('grading_session.updated', session.id);
    expect(
      (await kit.internal.children.findGradingSessions({ query: { grading_session_id: 'engine-1' } })).items,
    ).toHaveLength(1);
    await kit.internal.children.updateGradingSessionStatus({
      params: { lablet_session_id: session.id },
      body: { status: 'REVIEWING' },
    });
    const submitted = await kit.internal.children.updateGradingSessionStatus({
      params: { lablet_session_id: session.id },
      body: { status: 'SUBMITTED' },
    });
    expect(submitted.status).toBe('SUBMITTED');
    const report = await kit.internal.children.createScoreReport({
      params: { lablet_session_id: session.id },
      body: {
        score: 80,
        max_score: 100,
        cut_score: 70,
        sections: [{ name: 'routing', score: 80, max_score: 100, weight: 1 }],
        revision: 2,
      },
    });
    expect(report).toMatchObject({
      lablet_session_id: session.id,
      grading_session_id: grading.id,
      passed: true,
      revision: 2,
    });
    // A repeated delivery returns the stored report.
    expect(
      (
        await kit.internal.children.createScoreReport({
          params: { lablet_session_id: session.id },
          body: { score: 10, max_score: 100, sections: [] },
        })
      ).id,
    ).toBe(report.id);
    expect((await sseEvent('lablet_session.score.recorded', session.id))['score_report']).toMatchObject({
      id: report.id,
    });
    await sseEvent('score_report.created', session.id);
    expect(await kit.admin.sessions.scoreReport({ params: { lablet_session_id: session.id } })).toEqual(
      report,
    );
    expect(
      (
        await kit.admin.sessions.scoreReports({ query: { definition_id: definition.id, passed: 'true' } })
      ).items.map((item) => item.id),
    ).toEqual([report.id]);

    // STOPPING, then STOPPED releases the capacity (decision 3); the lab keeps its ports (decision 20)
    session = await kit.internal.sessions.transition({
      params: { lablet_session_id: session.id },
      body: { target_status: 'STOPPING', reason: 'Grading completed: PASS' },
    });
    await expectStep(session, 'STOPPING');
    expect(session.grade_result).toBe('pass');
    expect((await kit.workers.findById(worker.id))!.allocatedCapacity).toEqual(definition.capacityDemand);
    session = await kit.internal.sessions.transition({
      params: { lablet_session_id: session.id },
      body: { target_status: 'STOPPED' },
    });
    await expectStep(session, 'STOPPED');
    const released = (await kit.workers.findById(worker.id))!;
    expect(released.allocatedCapacity).toEqual({ cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 });
    expect(released.sessionIds).toEqual([]);
    expect(released.portsHeldBy(lab.id)).toEqual({ r1_console: 4000, r2_console: 4001 });
    expect((await kit.labs.findById(lab.id))!.activeSessionId).toBeNull();
    await sseEvent('lablet_session.ports.released', session.id);
    const capacityAfter = await eventually(
      async () => JSON.parse((await kit.etcd.get(etcdKeys.workerCapacity(worker.id)).string())!),
      (value) => value.assigned_instance_count === 0,
    );
    expect(capacityAfter.allocated_capacity).toEqual({
      cpu_cores: 0,
      memory_gb: 0,
      storage_gb: 0,
      max_nodes: 0,
    });

    // ARCHIVED by an operator on the dashboard (the user is the actor), TERMINATED by LC after cleanup
    session = await kit.admin.sessions.transition({
      params: { lablet_session_id: session.id },
      body: { target_status: 'ARCHIVED' },
    });
    await expectStep(session, 'ARCHIVED');
    expect(session.status_history.at(-1)).toMatchObject({ to: 'ARCHIVED', actor: 'alice-admin' });
    session = await kit.internal.sessions.transition({
      params: { lablet_session_id: session.id },
      body: { target_status: 'TERMINATED', reason: 'archived and cleaned' },
    });
    await expectStep(session, 'TERMINATED');
    expect(session).toMatchObject({
      desired_status: 'terminated',
      terminated_by: 'lablet-controller',
      termination_reason: 'archived and cleaned',
    });
    expect((await sseEvent('lablet_session.terminated', session.id))['from_status']).toBe('ARCHIVED');
    expect(await kit.etcd.get(etcdKeys.sessionDesiredState(session.id)).string()).toBe('terminated');
    expect(
      (await kit.internal.sessions.reconcilable({ query: { limit: 200 } })).items.map((item) => item.id),
    ).toContain(session.id);

    // Cleanup done: the keys go and LC has nothing left to do for it
    session = await kit.internal.sessions.markCleanupCompleted({ params: { lablet_session_id: session.id } });
    expect(session.cleanup_completed_at).not.toBeNull();
    expect(
      await eventually(
        () => kit.etcd.getAll().prefix(`/lcm/sessions/${session.id}/`).keys(),
        (keys) => keys.length === 0,
      ),
    ).toEqual([]);
    expect(
      (await kit.internal.sessions.reconcilable({ query: { limit: 200 } })).items.map((item) => item.id),
    ).not.toContain(session.id);

    // Every change is in the audit log, attributed to whoever asked for it
    const entries = await eventually(
      () => kit.audit.collection.find({ target_id: session.id }).sort({ at: 1 }).toArray(),
      (list) => list.some((entry) => entry.action === 'lablet_session.cleanup_completed'),
    );
    const actions = entries.map((entry) => entry.action);
    for (const action of [
      'created',
      'scheduled',
      'instantiating',
      'lab_bound',
      'ready',
      'running',
      'collecting',
      'grading',
      'score_recorded',
      'stopping',
      'stopped',
      'capacity_released',
      'archived',
      'terminated',
      'cleanup_completed',
    ]) {
      expect(actions).toContain(`lablet_session.${action}`);
    }
    expect(entries.find((entry) => entry.action === 'lablet_session.created')).toMatchObject({
      actor: 'alice-admin',
      before_status: null,
      after_status: 'PENDING',
    });
    expect(entries.find((entry) => entry.action === 'lablet_session.scheduled')).toMatchObject({
      actor: 'lablet-controller',
      before_status: 'PENDING',
      after_status: 'SCHEDULED',
    });
    expect(entries.find((entry) => entry.action === 'lablet_session.archived')).toMatchObject({
      actor: 'alice-admin',
    });
    // The status history names the same actor as the audit log for every change; the creation
    // entry names the caller who booked it, not the candidate.
    const statusActors = Object.fromEntries(
      entries
        .filter((entry) => entry.after_status !== null)
        .map((entry) => [entry.after_status, entry.actor]),
    );
    const history = session.status_history.map((entry) => [entry.to, entry.actor]);
    expect(history).toEqual(history.map(([to]) => [to, statusActors[to as string]]));
    expect(history).toEqual(
      expect.arrayContaining([
        ['PENDING', 'alice-admin'],
        ['SCHEDULED', 'lablet-controller'],
        ['INSTANTIATING', 'lablet-controller'],
        ['READY', 'lablet-controller'],
        ['STOPPED', 'lablet-controller'],
      ]),
    );
    const workerEntries = await kit.audit.collection.find({ target_id: worker.id }).toArray();
    expect(workerEntries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining([
        'cml_worker.capacity_allocated',
        'cml_worker.ports_transferred',
        'cml_worker.capacity_released',
      ]),
    );
  });

  describe('EXPIRED paths (decision 19)', () => {
    const shortSlot = async (definitionId: string) =>
      kit.admin.sessions.create({
        body: {
          definition_id: definitionId,
          owner: 'late@example.com',
          timeslot_end: new Date(Date.now() + 1500).toISOString(),
        },
      });
    const afterSlot = () => new Promise((resolve) => setTimeout(resolve, 1700));

    it('PENDING and SCHEDULED expire as timeslot_missed and go on to TERMINATED; SCHEDULED gives its capacity back', async () => {
      const definition = await kit.seedDefinition();
      const worker = await kit.seedWorker();
      const pending = await shortSlot(definition.id);
      let scheduled = await shortSlot(definition.id);
      scheduled = await kit.internal.sessions.schedule({
        params: { lablet_session_id: scheduled.id },
        body: { worker_id: worker.id },
      });
      expect((await kit.workers.findById(worker.id))!.sessionIds).toEqual([scheduled.id]);

      const early = await kit.http.post(
        `/api/internal/sessions/${pending.id}/expire`,
        { reason: 'timeslot_missed' },
        { headers: kit.internalHeaders },
      );
      expect(early.data).toMatchObject({ status: 409, code: 'CONFLICT' });
      await afterSlot();

      for (const session of [pending, scheduled]) {
        const expired = await kit.internal.sessions.expire({
          params: { lablet_session_id: session.id },
          body: { reason: 'timeslot_missed' },
        });
        expect(expired).toMatchObject({ status: 'EXPIRED', expiry_reason: 'timeslot_missed' });
        await expectStep(expired, 'EXPIRED');
        // Expiring again is a no-op.
        expect(
          (
            await kit.internal.sessions.expire({
              params: { lablet_session_id: session.id },
              body: { reason: 'timeslot_missed' },
            })
          ).version,
        ).toBe(expired.version);
        const terminated = await kit.internal.sessions.transition({
          params: { lablet_session_id: session.id },
          body: { target_status: 'TERMINATED', reason: 'expired' },
        });
        await expectStep(terminated, 'TERMINATED');
        const again = await kit.http.post(
          `/api/internal/sessions/${session.id}/expire`,
          { reason: 'timeslot_missed' },
          { headers: kit.internalHeaders },
        );
        expect(again.data).toMatchObject({
          status: 409,
          code: 'INVALID_TRANSITION',
          current_status: 'TERMINATED',
          requested_status: 'EXPIRED',
        });
      }
      const worked = (await kit.workers.findById(worker.id))!;
      expect(worked.sessionIds).toEqual([]);
      expect(worked.allocatedCapacity).toEqual({ cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 });
    });

    it('an INSTANTIATING session with a lab expires as no_show, keeps its capacity until the lab is torn down, then STOPPING → STOPPED releases it', async () => {
      const definition = await kit.seedDefinition();
      const worker = await kit.seedWorker();
      const lab = await kit.seedLab(worker, definition.id);
      let session = await shortSlot(definition.id);
      await kit.internal.sessions.schedule({
        params: { lablet_session_id: session.id },
        body: { worker_id: worker.id },
      });
      await kit.internal.sessions.startInstantiation({ params: { lablet_session_id: session.id } });
      await kit.internal.sessions.updateSessionLab({
        params: { lablet_session_id: session.id },
        body: { lab_record_id: lab.id, cml_lab_id: lab.labId },
      });
      await afterSlot();

      session = await kit.internal.sessions.expire({
        params: { lablet_session_id: session.id },
        body: { reason: 'no_show' },
      });
      expect(session).toMatchObject({ status: 'EXPIRED', expiry_reason: 'no_show' });
      await expectStep(session, 'EXPIRED');
      expect((await kit.workers.findById(worker.id))!.sessionIds).toEqual([session.id]);

      session = await kit.internal.sessions.transition({
        params: { lablet_session_id: session.id },
        body: { target_status: 'STOPPING', reason: 'tear down expired lab' },
      });
      await expectStep(session, 'STOPPING');
      session = await kit.internal.sessions.transition({
        params: { lablet_session_id: session.id },
        body: { target_status: 'STOPPED' },
      });
      await expectStep(session, 'STOPPED');
      expect((await kit.workers.findById(worker.id))!.sessionIds).toEqual([]);
      expect((await kit.labs.findById(lab.id))!.activeSessionId).toBeNull();
    });

    it('READY expires as no_show; a RUNNING session never expires', async () => {
      const definition = await kit.seedDefinition();
      const worker = await kit.seedWorker();
      const lab = await kit.seedLab(worker, definition.id);
      let session = await shortSlot(definition.id);
      await kit.internal.sessions.schedule({
        params: { lablet_session_id: session.id },
        body: { worker_id: worker.id },
      });
      await kit.internal.sessions.startInstantiation({ params: { lablet_session_id: session.id } });
      await kit.internal.sessions.markReady({
        params: { lablet_session_id: session.id },
        body: {
          cml_lab_id: lab.labId,
          lds_session_id: `lds-${session.id}`,
          login_url: 'https://lds.example.com/x',
          devices: DEVICES,
        },
      });
      await afterSlot();
      session = await kit.internal.sessions.expire({
        params: { lablet_session_id: session.id },
        body: { reason: 'no_show' },
      });
      expect(session).toMatchObject({ status: 'EXPIRED', expiry_reason: 'no_show' });
      // No lab was bound: the capacity goes at once.
      expect((await kit.workers.findById(worker.id))!.sessionIds).toEqual([]);

      const running = await shortSlot(definition.id);
      await kit.internal.sessions.schedule({
        params: { lablet_session_id: running.id },
        body: { worker_id: worker.id },
      });
      await kit.internal.sessions.startInstantiation({ params: { lablet_session_id: running.id } });
      await kit.internal.sessions.markReady({
        params: { lablet_session_id: running.id },
        body: {
          cml_lab_id: 'cml-x',
          lds_session_id: `lds-${running.id}`,
          login_url: 'https://lds.example.com/y',
          devices: [],
        },
      });
      await kit.internal.sessions.notifySessionStarted({
        params: { lablet_session_id: running.id },
        body: {},
      });
      await afterSlot();
      const refused = await kit.http.post(
        `/api/internal/sessions/${running.id}/expire`,
        { reason: 'no_show' },
        { headers: kit.internalHeaders },
      );
      expect(refused.data).toMatchObject({
        status: 409,
        code: 'INVALID_TRANSITION',
        current_status: 'RUNNING',
        requested_status: 'EXPIRED',
      });
    });
  });
});
