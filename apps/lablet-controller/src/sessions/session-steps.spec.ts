import { apiContract } from '@lcm/contracts';
import { FAKE_CLOCK_EPOCH } from '@lcm/testing';
import { applyEvent } from '../events/event-effects';
import { aLabRecordDoc } from '../testing/documents';
import { SessionHarness, silentLogger } from '../testing/session-harness';

const minutes = (n: number) => n * 60_000;
const inMinutes = (n: number) => new Date(FAKE_CLOCK_EPOCH.getTime() + minutes(n)).toISOString();

describe('SCHEDULED', () => {
  it('starts instantiation at once for an ASAP session on a RUNNING worker, and runs the pipeline in the same reconcile', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({ status: 'SCHEDULED', timeslot_start: null });
    await harness.reconcile(session.id);
    expect(
      harness
        .session(session.id)
        .status_history.map((change) => change.to)
        .slice(-2),
    ).toEqual(['INSTANTIATING', 'READY']);
  });

  /** A session picked up SCHEDULED: read with its worker and definition, started while the labs of its definition are listed. */
  const PICKUP_CALLS = [
    'GET /sessions/:lablet_session_id',
    'GET /workers/:worker_id',
    'GET /lablet-definitions/:lablet_definition_id',
    'GET /lab-records',
    'POST /sessions/:lablet_session_id/start-instantiation',
  ];
  const controlPlaneCalls = (harness: SessionHarness) =>
    harness.cpa.fake.calls.map(
      (call) => `${call.route.method} ${call.route.path.replace('/api/internal', '')}`,
    );

  it('reads the session, its worker and its definition once from SCHEDULED to READY, and never re-reads the lab it registered', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = harness.addSession({ status: 'SCHEDULED', timeslot_start: null });
    await harness.reconcile(session.id);
    const routes = apiContract.internal;
    const reads = [
      routes.sessions.getSession,
      routes.workers.getWorker,
      routes.labletDefinitions.getDefinition,
      routes.labRecords.getLabRecord,
    ].map((route) => harness.cpa.fake.callsTo(route).length);
    expect(reads).toEqual([1, 1, 1, 0]);
    expect(harness.session(session.id).status).toBe('READY');
  });

  // Progress is written only by the writes a step makes anyway, plus the one that must not wait: the
  // LDS session's id (LDS creation is not idempotent). The lab link reports a cold import too.
  it('makes 6 control-plane writes for a cold import from SCHEDULED to READY, the pipeline steps carried by them', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = harness.addSession({ status: 'SCHEDULED', timeslot_start: null });
    await harness.reconcile(session.id);
    expect(controlPlaneCalls(harness)).toEqual([
      ...PICKUP_CALLS,
      'POST /lab-records',
      'PUT /sessions/:lablet_session_id/lab',
      'PUT /lab-records/:lab_record_id/status',
      'PUT /sessions/:lablet_session_id/pipeline-progress',
      'POST /sessions/:lablet_session_id/mark-ready',
    ]);
    const ready = harness.session(session.id);
    expect(ready.status).toBe('READY');
    expect(ready.pipeline_progress['instantiate']).toMatchObject({
      lab_resolve: { status: 'completed', result_data: { mode: 'import' } },
      lab_import: { status: 'completed' },
      lab_binding: { status: 'completed' },
      lab_start: { status: 'completed' },
      device_access: { status: 'completed' },
      lds_provision: { status: 'completed', result_data: { login_url: expect.any(String) } },
    });
  });

  it('makes 5 control-plane writes for a reused lab from SCHEDULED to READY', async () => {
    const harness = new SessionHarness();
    const labId = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    harness.addLab({
      lab_id: labId,
      status: 'WIPED',
      allocated_ports: { r1_serial: 3000 },
    });
    const session = harness.addSession({ status: 'SCHEDULED', timeslot_start: null });
    await harness.reconcile(session.id);
    expect(controlPlaneCalls(harness)).toEqual([
      ...PICKUP_CALLS,
      'PUT /sessions/:lablet_session_id/lab',
      'PUT /lab-records/:lab_record_id/status',
      'PUT /sessions/:lablet_session_id/pipeline-progress',
      'POST /sessions/:lablet_session_id/mark-ready',
    ]);
    const ready = harness.session(session.id);
    expect(ready.status).toBe('READY');
    expect(ready.pipeline_progress['instantiate']?.['lab_import']?.status).toBe('skipped');
  });

  it('waits until the timeslot is within the instantiation lead, then starts', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({
      status: 'SCHEDULED',
      timeslot_start: inMinutes(60),
      timeslot_end: inMinutes(120),
    });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(45) });
    expect(harness.session(session.id).status).toBe('SCHEDULED');
    harness.clock.step(minutes(45));
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status_history.some((change) => change.to === 'INSTANTIATING')).toBe(
      true,
    );
  });

  it("uses the definition's own boot lead when it has one", async () => {
    const harness = new SessionHarness({ definition: { boot_lead_time_minutes: 40 } });
    const session = harness.addSession({
      status: 'SCHEDULED',
      timeslot_start: inMinutes(60),
      timeslot_end: inMinutes(120),
    });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(20) });
  });

  it('waits while the worker is not RUNNING', async () => {
    const harness = new SessionHarness({ worker: { status: 'PROVISIONING' } });
    const session = harness.addSession({ status: 'SCHEDULED' });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue' });
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.startInstantiation)).toHaveLength(0);
  });

  it('expires a session whose timeslot ended before it started (timeslot_missed)', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({
      status: 'SCHEDULED',
      timeslot_start: inMinutes(-90),
      timeslot_end: inMinutes(-1),
    });
    await harness.reconcile(session.id);
    expect(harness.session(session.id)).toMatchObject({
      status: 'EXPIRED',
      expiry_reason: 'timeslot_missed',
    });
  });
});

describe('READY and RUNNING at the timeslot end', () => {
  it('keeps a READY session until the timeslot ends, then expires it as no_show', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({ status: 'READY', timeslot_end: inMinutes(30) });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(30) });
    harness.clock.step(minutes(30));
    await harness.reconcile(session.id);
    expect(harness.session(session.id)).toMatchObject({ status: 'EXPIRED', expiry_reason: 'no_show' });
  });

  it('moves a RUNNING session of a graded definition to COLLECTING at the end (decision 19)', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({ status: 'RUNNING', timeslot_end: inMinutes(10) });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(10) });
    harness.clock.step(minutes(10));
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('COLLECTING');
  });

  it('moves a RUNNING session of an ungraded definition to STOPPING at the end', async () => {
    const harness = new SessionHarness({ definition: { grading_rules_uri: null } });
    const session = harness.addSession({ status: 'RUNNING', timeslot_end: inMinutes(-1) });
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('STOPPING');
  });
});

/** A session through INSTANTIATING to READY, then RUNNING as the login event would make it. */
async function runningSession(harness: SessionHarness) {
  const session = harness.addSession({ status: 'INSTANTIATING' });
  await harness.reconcile(session.id);
  harness.cpa.sessions.set(session.id, {
    ...harness.session(session.id),
    status: 'RUNNING',
    started_at: harness.clock.now().toISOString(),
  });
  return harness.session(session.id);
}

describe('COLLECTING', () => {
  it('extracts running configurations as evidence, builds the pod from the frozen devices and submits for grading', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...running, status: 'COLLECTING' });

    await harness.reconcile(running.id);

    const graded = harness.session(running.id);
    expect(graded.status).toBe('GRADING');
    const [grading] = harness.cpa.gradingSessions.values();
    expect(grading?.grading_session_id).toBe(running.id);
    expect(grading?.evidence.map((item) => [item.node_label, item.kind])).toEqual([
      ['r1', 'running_config'],
      ['r2', 'running_config'],
      ['desktop', 'running_config'],
    ]);
    expect(grading?.evidence[0]?.content).toContain('extracted running-config');
    const [userSession] = harness.cpa.userSessions.values();
    expect(grading?.devices).toEqual(userSession?.devices);
    const engine = await harness.grading.getSession(running.id);
    expect(engine.parts[0]?.pod?.devices?.map((device) => device.label)).toEqual(['desktop', 'r1', 'r2']);
    expect(harness.grading.recorder.callsTo('gradePart')).toEqual([[running.id, 'LCM/TEST/lab-1', {}]]);
  });

  it('reuses the engine session a crashed run already created', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...running, status: 'COLLECTING' });
    harness.cpa.fake.failNext(apiContract.internal.sessions.createGradingSession, 503);

    expect((await harness.reconcile(running.id)).kind).toBe('error');
    await harness.reconcile(running.id);

    expect(harness.session(running.id).status).toBe('GRADING');
    expect(harness.grading.recorder.callsTo('createSession')).toHaveLength(1);
  });

  it('goes on to STOPPING once collection has failed on every attempt', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...running, status: 'COLLECTING' });
    harness.cml.recorder.failNext('listNodes', new Error('CML unreachable'), 3);

    expect((await harness.reconcile(running.id, 0)).kind).toBe('error');
    expect((await harness.reconcile(running.id, 1)).kind).toBe('error');
    await harness.reconcile(running.id, 2);

    expect(harness.session(running.id).status).toBe('STOPPING');
    expect(harness.session(running.id).status_history.at(-1)?.reason).toBe(
      'collection_failed: CML unreachable',
    );
  });
});

describe('GRADING', () => {
  /** A session graded by the engine (the fake grades at once) whose event has not arrived. */
  async function gradingSession(harness: SessionHarness) {
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...running, status: 'COLLECTING' });
    await harness.reconcile(running.id);
    expect(harness.session(running.id).status).toBe('GRADING');
    return harness.session(running.id);
  }
  const deps = (harness: SessionHarness) => ({
    cpa: harness.cpa.client,
    clock: harness.clock,
    log: silentLogger,
  });

  it('waits for the grading event during the grace without asking the engine', async () => {
    const harness = new SessionHarness();
    const session = await gradingSession(harness);
    harness.clock.step(20_000);
    harness.grading.recorder.reset();
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: 40_000 });
    expect(harness.grading.recorder.calls).toHaveLength(0);
    expect(harness.session(session.id).status).toBe('GRADING');
  });

  it('takes the result from the engine after the grace when the event was lost, once (a late event changes nothing)', async () => {
    const harness = new SessionHarness();
    const session = await gradingSession(harness);
    harness.clock.step(60_000);
    await harness.reconcile(session.id);
    expect(harness.session(session.id)).toMatchObject({ status: 'STOPPING' });
    expect([...harness.cpa.scoreReports.values()].map((report) => [report.score, report.max_score])).toEqual([
      [3, 3],
    ]);
    expect([...harness.cpa.gradingSessions.values()][0]?.status).toBe('SUBMITTED');

    const late = await applyEvent(deps(harness), {
      kind: 'grading.completed',
      externalId: session.id,
      time: undefined,
      data: { score: 3, maxScore: 3 },
    });
    expect(late).toBe('no_change');
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.createScoreReport)).toHaveLength(1);
  });

  it('finishes what an event left undone (score stored, session not moved) without a second score', async () => {
    const harness = new SessionHarness();
    const session = await gradingSession(harness);
    harness.cpa.fake.failNext(apiContract.internal.sessions.transitionSession, 503);
    await expect(
      applyEvent(deps(harness), {
        kind: 'grading.completed',
        externalId: session.id,
        time: undefined,
        data: { score: 2, maxScore: 3 },
      }),
    ).rejects.toThrow();
    expect(harness.session(session.id)).toMatchObject({ status: 'GRADING', grade_result: null });
    harness.clock.step(60_000);
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('STOPPING');
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.createScoreReport)).toHaveLength(1);
    expect([...harness.cpa.scoreReports.values()][0]?.score).toBe(2);
  });

  it('polls an engine still grading every interval, and counts no result by the deadline as a fault (then the hold)', async () => {
    const harness = new SessionHarness();
    const session = await gradingSession(harness);
    Object.assign(harness.grading.sessions.get(session.id)!.parts[0]!, {
      status: 'Grading',
      scoreReport: null,
      firstGraded: null,
    });
    harness.clock.step(60_000);
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: 10_000 });
    harness.clock.step(9 * 60_000);
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: 0 });
    expect([...harness.cpa.gradingSessions.values()][0]).toMatchObject({
      status: 'FAULTED',
      error_message: 'no grading result within 10 minutes',
    });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(30) });
    expect(harness.session(session.id).status).toBe('GRADING');
  });

  it('records a part the engine shows Faulted as the grading fault', async () => {
    const harness = new SessionHarness();
    const session = await gradingSession(harness);
    const part = harness.grading.sessions.get(session.id)!.parts[0]!;
    Object.assign(part, {
      status: 'Faulted',
      statusReason: 'device r1 unreachable',
      scoreReport: null,
      firstGraded: null,
    });
    harness.clock.step(60_000);
    await harness.reconcile(session.id);
    expect([...harness.cpa.gradingSessions.values()][0]).toMatchObject({
      status: 'FAULTED',
      error_message: 'device r1 unreachable',
    });
    expect(harness.session(session.id).status).toBe('GRADING');
  });

  it('holds a faulted grading for the operator for the hold time, then moves on to STOPPING (decision 21)', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({
      status: 'GRADING',
      conditions: [
        {
          type: 'GradingSubmitted',
          status: 'False',
          reason: 'GradingFaulted',
          message: 'device unreachable',
          last_transition_time: harness.clock.now().toISOString(),
          observed_generation: 1,
        },
      ],
    });
    harness.clock.step(minutes(10));
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(20) });
    expect(harness.session(session.id).status).toBe('GRADING');
    harness.clock.step(minutes(20));
    await harness.reconcile(session.id);
    expect(harness.session(session.id)).toMatchObject({ status: 'STOPPING', grade_result: null });
    expect(harness.session(session.id).status_history.at(-1)?.reason).toBe(
      'grading_failed: device unreachable',
    );
  });
});

describe('STOPPING, STOPPED, ARCHIVED, EXPIRED', () => {
  it('stops and wipes the lab (kept), ends the user session, records the run, then STOPPED', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...harness.session(running.id), status: 'STOPPING' });
    harness.cpa.userSessions.set([...harness.cpa.userSessions.keys()][0]!, {
      ...[...harness.cpa.userSessions.values()][0]!,
      status: 'ACTIVE',
    });

    await harness.reconcile(running.id);

    expect(harness.session(running.id).status).toBe('STOPPED');
    expect(await harness.cml.getLabState(running.cml_lab_id!)).toBe('DEFINED_ON_CORE');
    expect(harness.cml.recorder.callsTo('deleteLab')).toHaveLength(0);
    const lab = harness.cpa.lab(running.lab_record_id!);
    expect(lab.status).toBe('WIPED');
    expect(lab.run_history).toEqual([
      expect.objectContaining({ lablet_session_id: running.id, final_state: 'WIPED' }),
    ]);
    expect([...harness.cpa.userSessions.values()][0]?.status).toBe('ENDED');
  });

  it('records the run once when STOPPING is repeated after a crash', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...harness.session(running.id), status: 'STOPPING' });
    harness.cpa.fake.failNext(
      apiContract.internal.sessions.transitionSession,
      new Error('controller killed'),
    );
    await expect(harness.reconcile(running.id)).rejects.toThrow('controller killed');
    await harness.reconcile(running.id);
    expect(harness.cpa.lab(running.lab_record_id!).run_history).toHaveLength(1);
  });

  it('waits for a slow CML stop before wiping', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...harness.session(running.id), status: 'STOPPING' });
    const realStop = harness.cml.stopLab.bind(harness.cml);
    let stops = 0;
    harness.cml.stopLab = async (labId: string) => {
      stops += 1;
      if (stops > 1) await realStop(labId);
    };
    expect(await harness.reconcile(running.id)).toMatchObject({ kind: 'requeue' });
    expect(harness.session(running.id).status).toBe('STOPPING');
    await harness.reconcile(running.id);
    expect(harness.session(running.id).status).toBe('STOPPED');
  });

  it('archives a STOPPED session after the retention', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({
      status: 'STOPPED',
      status_history: [
        {
          from: 'STOPPING',
          to: 'STOPPED',
          at: harness.clock.now().toISOString(),
          reason: null,
          actor: 'lablet-controller',
        },
      ],
    });
    expect(await harness.reconcile(session.id)).toMatchObject({ kind: 'requeue', afterMs: minutes(60) });
    harness.clock.step(minutes(60));
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('ARCHIVED');
  });

  it('terminates an ARCHIVED session', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({ status: 'ARCHIVED' });
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('TERMINATED');
  });

  it('tears down the lab of an EXPIRED session (STOPPING), or terminates one without a lab', async () => {
    const harness = new SessionHarness();
    const withLab = harness.addSession({
      status: 'EXPIRED',
      expiry_reason: 'no_show',
      lab_record_id: 'lab-x',
      cml_lab_id: 'cml-x',
    });
    const withoutLab = harness.addSession({ status: 'EXPIRED', expiry_reason: 'timeslot_missed' });
    await harness.reconcile(withLab.id);
    await harness.reconcile(withoutLab.id);
    expect(harness.session(withLab.id).status).toBe('STOPPING');
    expect(harness.session(withoutLab.id).status).toBe('TERMINATED');
  });
});

describe('TERMINATED with cleanup pending', () => {
  it('archives the LDS session, makes sure the lab is stopped and wiped, and records cleanup complete', async () => {
    const harness = new SessionHarness();
    const running = await runningSession(harness);
    harness.cpa.sessions.set(running.id, { ...harness.session(running.id), status: 'TERMINATED' });

    await harness.reconcile(running.id);

    const ldsId = running.pipeline_progress['instantiate']?.['lds_provision']?.result_data?.[
      'lds_session_id'
    ] as string;
    expect(harness.ldsFake.recorder.callsTo('releaseSession')).toEqual([[ldsId]]);
    expect(harness.ldsFake.sessions.get(ldsId)?.state).toBe('SESSION_ARCHIVED');
    expect(await harness.cml.getLabState(running.cml_lab_id!)).toBe('DEFINED_ON_CORE');
    expect(harness.session(running.id).cleanup_completed_at).not.toBeNull();
  });

  it('leaves a lab on a worker that is no longer running to the worker cascade', async () => {
    const harness = new SessionHarness({ worker: { status: 'STOPPED' } });
    const lab = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({ worker_id: harness.worker.id, status: 'BOOTED' }),
    );
    const session = harness.addSession({
      status: 'TERMINATED',
      lab_record_id: lab.id,
      cml_lab_id: lab.runtime_binding.lab_id,
    });
    await harness.reconcile(session.id);
    expect(harness.cml.recorder.calls).toHaveLength(0);
    expect(harness.session(session.id).cleanup_completed_at).not.toBeNull();
  });

  describe('a session terminated between its import registration and the binding', () => {
    const terminate = (harness: SessionHarness, id: string) =>
      harness.cpa.sessions.set(id, { ...harness.session(id), status: 'TERMINATED' });

    it('deletes the imported lab and its record when the import was reported', async () => {
      const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
      const session = harness.addSession({ status: 'INSTANTIATING' });
      const labId = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
      const record = harness.addLab({
        lab_id: labId,
        status: 'DEFINED',
        active_lablet_session_id: session.id,
      });
      terminate(harness, session.id);

      await harness.reconcile(session.id);

      expect(harness.cpa.lab(record.id).status).toBe('DELETED');
      expect(await harness.cml.listLabs()).toHaveLength(0);
      expect(harness.session(session.id).cleanup_completed_at).not.toBeNull();
    });

    it('finds the CML lab of an import that was never reported, by the record title, and deletes it', async () => {
      const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
      const session = harness.addSession({ status: 'INSTANTIATING' });
      // The lab link reports the import; a link refused (the session moved on) leaves it unreported.
      harness.cpa.fake.failNext(apiContract.internal.sessions.updateSessionLab, 409, 1, 'INVALID_TRANSITION');
      await harness.reconcile(session.id);
      const [record] = [...harness.cpa.labs.values()];
      expect(record?.status).toBe('IMPORTING');
      expect(await harness.cml.listLabs()).toHaveLength(1);
      terminate(harness, session.id);

      await harness.reconcile(session.id);

      expect(await harness.cml.listLabs()).toHaveLength(0);
      expect(harness.cpa.lab(record!.id).status).toBe('DELETED');
    });

    it('finds a record registered before the controller could record it in the progress', async () => {
      const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
      const session = harness.addSession({ status: 'INSTANTIATING' });
      const registered = harness.addLab({
        status: 'IMPORTING',
        active_lablet_session_id: session.id,
      });
      terminate(harness, session.id);

      await harness.reconcile(session.id);

      expect(harness.cpa.lab(registered.id).status).toBe('DELETED');
      expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(0);
      expect(harness.session(session.id).cleanup_completed_at).not.toBeNull();
    });

    it('leaves a reuse candidate it only prepared alone (it was never attached)', async () => {
      const harness = new SessionHarness();
      const labId = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
      const wiped = harness.addLab({
        lab_id: labId,
        status: 'WIPED',
        allocated_ports: { r1_serial: 3000 },
      });
      const session = harness.addSession({ status: 'INSTANTIATING' });
      harness.cpa.fake.failNext(apiContract.internal.sessions.updateSessionLab, 409, 1, 'INVALID_TRANSITION');
      await harness.reconcile(session.id);
      terminate(harness, session.id);

      await harness.reconcile(session.id);

      expect(harness.cpa.lab(wiped.id).status).toBe('WIPED');
      expect(await harness.cml.listLabs()).toHaveLength(1);
      expect(harness.session(session.id).cleanup_completed_at).not.toBeNull();
    });
  });

  it('does nothing more once cleanup is recorded', async () => {
    const harness = new SessionHarness();
    const session = harness.addSession({
      status: 'TERMINATED',
      cleanup_completed_at: harness.clock.now().toISOString(),
    });
    await harness.reconcile(session.id);
    expect(harness.cpa.fake.callsTo(apiContract.internal.sessions.markCleanupCompleted)).toHaveLength(0);
  });
});

describe('session lifecycle reconciler', () => {
  it('leaves PENDING sessions to the scheduler and unknown ones alone', async () => {
    const harness = new SessionHarness();
    const pending = harness.addSession({ status: 'PENDING', worker_id: null });
    expect(await harness.reconcile(pending.id)).toEqual({ kind: 'done' });
    expect(harness.session(pending.id).status).toBe('PENDING');
    expect(await harness.reconcile('no-such-session')).toEqual({ kind: 'done' });
  });

  it('lists the reconcilable sessions page by page', async () => {
    const harness = new SessionHarness();
    const first = harness.addSession();
    const second = harness.addSession();
    const list = harness.reconciler.sources[0]!;
    expect(await list.list!()).toEqual([first.id, second.id]);
  });
});
