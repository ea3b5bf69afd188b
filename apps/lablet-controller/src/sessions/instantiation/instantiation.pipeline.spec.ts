import { ConflictError, NotFoundError, UnavailableError } from '@lcm/integrations/http';
import { apiContract, type Route, type UpdatePipelineProgressBody } from '@lcm/contracts';
import {
  ContractViolationError,
  type CpaErrorDetails,
  UnavailableError as CpaUnavailableError,
} from '@lcm/cpa-client';
import { SessionHarness } from '../../testing/session-harness';
import { importTitle } from './lab-resolve.step';

const cmlError = (
  Kind: typeof NotFoundError | typeof ConflictError | typeof UnavailableError,
  operation: string,
) =>
  new Kind({
    system: 'cml',
    operation,
    status: Kind === NotFoundError ? 404 : Kind === ConflictError ? 400 : 503,
    message: `${operation} refused`,
  });

/**
 * Every control-plane call still takes effect, but the controller gets the error `lostAnswer`
 * gives for it in place of the answer (killed before it read it, or an answer it could not take).
 * Returns the undo.
 */
function loseAnswers(
  harness: SessionHarness,
  lostAnswer: (route: Route, body: unknown) => Error | undefined,
): () => void {
  const { fake } = harness.cpa;
  const answer = fake.call.bind(fake);
  fake.call = (async (...args: Parameters<typeof answer>) => {
    const result = await answer(...args);
    const error = lostAnswer(args[0], (args[1] as { body?: unknown } | undefined)?.body);
    if (error) throw error;
    return result;
  }) as unknown as typeof fake.call;
  return () => {
    fake.call = answer;
  };
}

const answerLost = (route: Route, status: number, detail: string): CpaErrorDetails => ({
  method: route.method,
  path: route.path,
  status,
  code: status >= 500 ? 'DEPENDENCY_UNAVAILABLE' : 'INTERNAL_ERROR',
  detail,
});

describe('INSTANTIATING', () => {
  const instantiating = (harness: SessionHarness) => harness.addSession({ status: 'INSTANTIATING' });

  it('cold-imports with the session ports in place of the placeholders, registering the record first, and reaches READY', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = instantiating(harness);

    await harness.reconcile(session.id);

    const ready = harness.session(session.id);
    expect(ready.status).toBe('READY');
    const [imported] = harness.cml.recorder.callsTo('importLab');
    expect(imported?.[0]).toContain('serial:2000');
    expect(imported?.[0]).toContain('desktop VNC on 2002');
    expect(imported?.[0]).not.toContain('${PORT_');
    const ops = harness.cpa.fake.calls.map((call) => call.route);
    expect(ops.indexOf(apiContract.internal.labRecords.registerLabImport)).toBeLessThan(
      ops.indexOf(apiContract.internal.labRecords.updateLabStatus),
    );
    const lab = harness.cpa.lab(ready.lab_record_id!);
    expect(lab).toMatchObject({
      status: 'BOOTED',
      based_on_definition_id: harness.definition.id,
      allocated_ports: session.allocated_ports,
    });
    // lab_start is noted once its BOOTED report is done, after the LDS steps that ran meanwhile.
    expect(Object.keys(ready.pipeline_progress['instantiate']!)).toEqual([
      'lab_resolve',
      'lab_import',
      'lab_binding',
      'device_access',
      'lds_provision',
      'lab_start',
    ]);
  });

  it('gives the user session one device per node at the worker address and the LDS login link', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    await harness.reconcile(session.id);

    const [userSession] = harness.cpa.userSessions.values();
    expect(userSession?.devices).toEqual([
      { name: 'desktop', protocol: 'vnc', host: '54.1.2.3', port: 2002 },
      { name: 'r1', protocol: 'serial', host: '54.1.2.3', port: 2000 },
      { name: 'r2', protocol: 'serial', host: '54.1.2.3', port: 2001 },
    ]);
    expect(userSession?.login_url).toMatch(/^https:\/\/lds-us-east-1\.example\.test\/lablet\/launch\?token=/);
    const [[ldsId, devices]] = harness.ldsFake.recorder.callsTo('setDevices') as [
      [string, Array<{ device_label: string; protocol: string }>],
    ];
    expect(userSession?.lds_session_id).toBe(ldsId);
    expect(devices.map((device) => [device.device_label, device.protocol])).toEqual([
      ['desktop', 'vnc'],
      ['r1', 'telnet'],
      ['r2', 'telnet'],
    ]);
  });

  it('sends LDS only the user-visible devices; an empty list sets none', async () => {
    const harness = new SessionHarness({ definition: { user_visible_devices: [] } });
    const session = instantiating(harness);
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('READY');
    expect(harness.ldsFake.recorder.callsTo('setDevices')).toHaveLength(0);
  });

  it('skips LDS without a form and gives the candidate the CML lab directly', async () => {
    const harness = new SessionHarness({ definition: { form_qualified_name: null } });
    const session = instantiating(harness);
    await harness.reconcile(session.id);
    const ready = harness.session(session.id);
    expect(ready.status).toBe('READY');
    expect(ready.pipeline_progress['instantiate']?.['lds_provision']?.status).toBe('skipped');
    expect(harness.ldsFake.recorder.calls).toHaveLength(0);
    expect([...harness.cpa.userSessions.values()][0]?.login_url).toBe(
      `https://54.1.2.3/lab/${ready.cml_lab_id}`,
    );
  });

  it('reuses a WIPED lab before a STOPPED one, without importing, and takes the lab ports (decision 20)', async () => {
    const harness = new SessionHarness();
    const stoppedLab = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    const wipedLab = (
      await harness.cml.importLab(
        'nodes: [{ label: r1, node_definition: iosv }, { label: desktop, node_definition: desktop }]',
      )
    ).id;
    harness.addLab({
      lab_id: stoppedLab,
      status: 'STOPPED',
      allocated_ports: { r1_serial: 3000 },
    });
    const wiped = harness.addLab({
      lab_id: wipedLab,
      status: 'WIPED',
      allocated_ports: { r1_serial: 4000, desktop_vnc: 4001 },
    });
    harness.cml.recorder.reset();
    const session = instantiating(harness);

    await harness.reconcile(session.id);

    const ready = harness.session(session.id);
    expect(ready).toMatchObject({
      status: 'READY',
      lab_record_id: wiped.id,
      allocated_ports: { r1_serial: 4000, desktop_vnc: 4001 },
    });
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(0);
    expect(harness.cml.recorder.callsTo('wipeLab')).toHaveLength(0);
    expect(ready.pipeline_progress['instantiate']?.['lab_import']?.status).toBe('skipped');
  });

  it('wipes a STOPPED lab before reusing it', async () => {
    const harness = new SessionHarness();
    const labId = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    await harness.cml.startLab(labId);
    await harness.cml.stopLab(labId);
    const stopped = harness.addLab({
      lab_id: labId,
      status: 'STOPPED',
      allocated_ports: { r1_serial: 3000 },
    });
    const session = instantiating(harness);

    await harness.reconcile(session.id);

    expect(harness.cml.recorder.callsTo('wipeLab')).toEqual([[labId]]);
    expect(harness.session(session.id)).toMatchObject({ status: 'READY', lab_record_id: stopped.id });
  });

  it('marks a reuse candidate that is gone from CML ORPHANED and imports instead', async () => {
    const harness = new SessionHarness();
    const ghost = harness.addLab({
      lab_id: 'gone',
      status: 'WIPED',
      allocated_ports: { r1_serial: 3000 },
    });
    const session = instantiating(harness);

    await harness.reconcile(session.id);

    expect(harness.cpa.lab(ghost.id).status).toBe('ORPHANED');
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(1);
    expect(harness.session(session.id).status).toBe('READY');
  });

  it('skips WIPING, STOPPING, busy and other-definition labs', async () => {
    const harness = new SessionHarness();
    const labId = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    for (const patch of [
      { status: 'WIPING' as const },
      { status: 'STOPPING' as const },
      { active_lablet_session_id: 'someone-else' },
      { based_on_definition_id: 'other' },
      { pending_action: 'delete' as const },
    ])
      harness.addLab({
        lab_id: labId,
        status: 'WIPED',
        ...patch,
      });
    const session = instantiating(harness);
    await harness.reconcile(session.id);
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(2);
  });

  it('waits for the lab to boot without blocking, then goes on', async () => {
    const harness = new SessionHarness();
    const slow = new (
      harness.cml.constructor as new (options: { bootImmediately: boolean }) => typeof harness.cml
    )({ bootImmediately: false });
    Object.assign(harness.systems, { cml: () => slow });
    const session = instantiating(harness);

    const first = await harness.reconcile(session.id);
    expect(first).toMatchObject({ kind: 'requeue', afterMs: 2_000 });
    expect(harness.session(session.id).status).toBe('INSTANTIATING');
    expect(harness.session(session.id).pipeline_progress['instantiate']?.['lab_start']).toBeUndefined();

    slow.completeBoot(harness.session(session.id).cml_lab_id!);
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('READY');
    expect(slow.recorder.callsTo('importLab')).toHaveLength(1);
    expect(slow.recorder.callsTo('startLab')).toHaveLength(1);
  });

  it('watches a quick boot inside the reconcile, looking at once and then at growing intervals, before it requeues', async () => {
    const harness = new SessionHarness({ settings: { labBootWatchMs: 100 } });
    const slow = new (
      harness.cml.constructor as new (options: { bootImmediately: boolean }) => typeof harness.cml
    )({ bootImmediately: false });
    Object.assign(harness.systems, { cml: () => slow });
    const converged = slow.isLabConverged.bind(slow);
    let looks = 0;
    let bootAtLook = 3;
    slow.isLabConverged = async (labId) => {
      looks += 1;
      if (looks === bootAtLook) slow.completeBoot(labId);
      return converged(labId);
    };

    const quick = instantiating(harness);
    expect(await harness.reconcile(quick.id)).toEqual({ kind: 'done' });
    expect(harness.session(quick.id).status).toBe('READY');
    expect(looks).toBe(3);
    expect(
      harness.cpa.lab(harness.session(quick.id).lab_record_id!).status_history.map((change) => change.to),
    ).not.toContain('STARTING');

    // Looks at 0, 25 and 75 ms; the next (at 175 ms) would pass the 100 ms watch.
    looks = 0;
    bootAtLook = Infinity;
    const slowBoot = instantiating(harness);
    expect(await harness.reconcile(slowBoot.id)).toMatchObject({ kind: 'requeue', afterMs: 2_000 });
    expect(looks).toBe(3);
    expect(harness.cpa.lab(harness.session(slowBoot.id).lab_record_id!).status).toBe('STARTING');
  });

  it('goes on with LDS while the BOOTED report is in flight, but marks ready only once it succeeded', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = instantiating(harness);
    harness.cpa.fake.failNext(
      apiContract.internal.labRecords.updateLabStatus,
      422,
      1,
      'CONSTRAINT_VIOLATION',
    );

    expect((await harness.reconcile(session.id)).kind).toBe('error');
    const failedOnce = harness.session(session.id);
    expect(failedOnce.status).toBe('INSTANTIATING');
    expect(failedOnce.pipeline_progress['instantiate']?.['lab_start']).toMatchObject({
      status: 'failed',
      result_data: { attempts: 1 },
    });
    expect(harness.cpa.lab(failedOnce.lab_record_id!).status).toBe('DEFINED');

    await harness.reconcile(session.id);

    const ready = harness.session(session.id);
    expect(ready.status).toBe('READY');
    expect(harness.cpa.lab(ready.lab_record_id!).status).toBe('BOOTED');
    expect(harness.ldsFake.recorder.callsTo('createSessionWithPart')).toHaveLength(1);
  });

  it('resumes after a crash between the CML import and its report without importing a second lab', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = instantiating(harness);
    harness.cpa.fake.failNext(
      apiContract.internal.labRecords.updateLabStatus,
      new Error('controller killed'),
    );

    await harness.reconcile(session.id);
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(1);
    await harness.reconcile(session.id);

    expect(harness.session(session.id).status).toBe('READY');
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(1);
    expect((await harness.cml.listLabs()).length).toBe(1);
    expect([...harness.cpa.labs.values()]).toHaveLength(1);
  });

  it('resumes with the record a killed controller registered before its import, recorded nowhere else', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = instantiating(harness);
    const registered = harness.addLab({
      status: 'IMPORTING',
      title: importTitle(harness.definition.name, session.id),
      active_lablet_session_id: session.id,
    });

    await harness.reconcile(session.id);

    expect(harness.session(session.id)).toMatchObject({ status: 'READY', lab_record_id: registered.id });
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(1);
    expect([...harness.cpa.labs.values()]).toHaveLength(1);
  });

  // A controller killed right after a write took effect, before it read the answer: every write
  // from SCHEDULED to READY in turn, then a fresh reconcile (spec §7.3: resume, never a second lab).
  it.each([1, 2, 3, 4, 5, 6])(
    'resumes after dying once its write %i of 6 (cold import) took effect: one lab, one LDS session, READY',
    async (fatalWrite) => {
      const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
      const session = harness.addSession({ status: 'SCHEDULED', timeslot_start: null });
      let writes = 0;
      const restore = loseAnswers(harness, (route) =>
        route.method !== 'GET' && ++writes === fatalWrite
          ? new CpaUnavailableError(answerLost(route, 503, 'controller killed before it read the answer'))
          : undefined,
      );
      await harness.reconcile(session.id).catch(() => undefined);
      expect(writes).toBeGreaterThanOrEqual(fatalWrite);
      restore();

      const ready = await harness.reconcileUntil(session.id, 'READY');

      expect(ready.status).toBe('READY');
      expect(await harness.cml.listLabs()).toHaveLength(1);
      expect([...harness.cpa.labs.values()].map((lab) => lab.id)).toEqual([ready.lab_record_id]);
      expect(harness.ldsFake.recorder.callsTo('createSessionWithPart')).toHaveLength(1);
    },
  );

  it('creates one LDS session even when the controller dies right after LDS answered', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    harness.ldsFake.recorder.failNext('setDevices', new Error('controller killed'));

    await harness.reconcile(session.id);
    await harness.reconcile(session.id);

    expect(harness.session(session.id).status).toBe('READY');
    expect(harness.ldsFake.recorder.callsTo('createSessionWithPart')).toHaveLength(1);
  });

  it('keeps the LDS session id whose write took effect though its answer was an error: one LDS session, READY', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    const restore = loseAnswers(harness, (route, body) =>
      route === apiContract.internal.sessions.updatePipelineProgress &&
      (body as UpdatePipelineProgressBody).status === 'running'
        ? new ContractViolationError(answerLost(route, 200, 'answer does not match the route schema'))
        : undefined,
    );

    expect((await harness.reconcile(session.id)).kind).toBe('error');
    restore();
    const failure = harness.session(session.id).pipeline_progress['instantiate']?.['lds_provision'];
    expect(failure).toMatchObject({
      status: 'failed',
      result_data: { attempts: 1, lds_session_id: expect.any(String), region: 'us-east-1' },
    });

    const ready = await harness.reconcileUntil(session.id, 'READY');

    expect(ready.status).toBe('READY');
    expect(harness.ldsFake.recorder.callsTo('createSessionWithPart')).toHaveLength(1);
    expect([...harness.cpa.userSessions.values()].map((user) => user.lds_session_id)).toEqual([
      failure?.result_data?.['lds_session_id'],
    ]);
  });

  it('counts the attempts spent on LDS before and after its session was created', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    const ldsDown = (operation: string) =>
      new UnavailableError({ system: 'lds', operation, status: 503, message: 'LDS down' });
    harness.ldsFake.recorder.failNext('createSessionWithPart', ldsDown('createSessionWithPart'));
    harness.ldsFake.recorder.failNext('setDevices', ldsDown('setDevices'));

    await harness.reconcile(session.id);
    await harness.reconcile(session.id);

    expect(harness.session(session.id).pipeline_progress['instantiate']?.['lds_provision']).toMatchObject({
      status: 'failed',
      result_data: { attempts: 2, lds_session_id: expect.any(String) },
    });
  });

  it('retries a failing step with backoff, counting attempts in pipeline_progress', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    harness.cml.recorder.failNext('startLab', cmlError(ConflictError, 'startLab'));

    const result = await harness.reconcile(session.id);

    expect(result.kind).toBe('error');
    expect(harness.session(session.id).pipeline_progress['instantiate']?.['lab_start']).toMatchObject({
      status: 'failed',
      error: 'cml startLab failed (HTTP 400): startLab refused',
      result_data: { attempts: 1 },
    });
    await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('READY');
  });

  it('does not spend an attempt when the control plane is unreachable or another writer won a race', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    harness.cpa.fake.failNext(apiContract.internal.labRecords.listLabRecords, 503);
    expect((await harness.reconcile(session.id)).kind).toBe('error');
    harness.cpa.fake.failNext(apiContract.internal.labRecords.listLabRecords, 409, 1, 'VERSION_CONFLICT');
    expect((await harness.reconcile(session.id)).kind).toBe('error');
    expect(harness.session(session.id).pipeline_progress['instantiate']).toBeUndefined();
  });

  it('when the attempts are spent, deletes the lab it imported and terminates naming the step', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = instantiating(harness);
    harness.cml.recorder.failNext('startLab', cmlError(ConflictError, 'startLab'), 3);

    for (let attempt = 0; attempt < 3; attempt += 1) await harness.reconcile(session.id);

    const terminated = harness.session(session.id);
    expect(terminated.status).toBe('TERMINATED');
    expect(terminated.termination_reason).toBe(
      'instantiation step lab_start failed after 3 attempts: cml startLab failed (HTTP 400): startLab refused',
    );
    expect(await harness.cml.listLabs()).toEqual([]);
    const [lab] = harness.cpa.labs.values();
    expect(lab?.status).toBe('DELETED');
  });

  it('when the lab link keeps failing, finds the unreported import by its title and deletes it', async () => {
    const harness = new SessionHarness({ definition: { lab_reuse_enabled: false } });
    const session = instantiating(harness);
    harness.cpa.fake.failNext(apiContract.internal.sessions.updateSessionLab, 422, 3, 'CONSTRAINT_VIOLATION');

    for (let attempt = 0; attempt < 3; attempt += 1) await harness.reconcile(session.id);

    const terminated = harness.session(session.id);
    expect(terminated.termination_reason).toMatch(
      /^instantiation step lab_binding failed after 3 attempts: /,
    );
    expect(await harness.cml.listLabs()).toEqual([]);
    expect([...harness.cpa.labs.values()].map((lab) => lab.status)).toEqual(['DELETED']);
  });

  it('when the attempts are spent on a reused lab, stops and wipes it and keeps it', async () => {
    const harness = new SessionHarness();
    const labId = (await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    const reused = harness.addLab({
      lab_id: labId,
      status: 'WIPED',
      allocated_ports: { r1_serial: 3000 },
    });
    const session = instantiating(harness);
    harness.ldsFake.recorder.failNext(
      'createSessionWithPart',
      new UnavailableError({
        system: 'lds',
        operation: 'createSessionWithPart',
        status: 503,
        message: 'LDS down',
      }),
      3,
    );

    for (let attempt = 0; attempt < 3; attempt += 1) await harness.reconcile(session.id);

    expect(harness.session(session.id)).toMatchObject({ status: 'TERMINATED' });
    expect(harness.session(session.id).termination_reason).toContain('lds_provision');
    expect(await harness.cml.getLabState(labId)).toBe('DEFINED_ON_CORE');
    expect(harness.cml.recorder.callsTo('deleteLab')).toHaveLength(0);
    expect(harness.cpa.lab(reused.id).status).toBe('WIPED');
  });

  it('allows at most 3 attempts on a draining worker whatever the definition says', async () => {
    const harness = new SessionHarness({
      worker: { status: 'DRAINING' },
      definition: {
        pipelines: { instantiate: { steps: ['all'], max_retries: 10, retry_backoff_seconds: 30 } },
      },
    });
    const session = instantiating(harness);
    harness.cml.recorder.failNext('importLab', cmlError(UnavailableError, 'importLab'), 5);
    for (let attempt = 0; attempt < 3; attempt += 1) await harness.reconcile(session.id);
    expect(harness.session(session.id).status).toBe('TERMINATED');
  });

  it('expires a session whose timeslot ended during instantiation as a no-show', async () => {
    const harness = new SessionHarness();
    const session = instantiating(harness);
    harness.clock.step(61 * 60_000);
    await harness.reconcile(session.id);
    expect(harness.session(session.id)).toMatchObject({ status: 'EXPIRED', expiry_reason: 'no_show' });
    expect(harness.cml.recorder.calls).toHaveLength(0);
  });
});
