import { apiContract, type LabRecord } from '@lcm/contracts';
import { ConflictError } from '@lcm/integrations/http';
import { aLabRecordDoc } from '../testing/documents';
import { runContext, SessionHarness } from '../testing/session-harness';
import { LabActionsReconciler } from './lab-actions.reconciler';

describe('lab pending actions', () => {
  let harness: SessionHarness;
  let reconciler: LabActionsReconciler;

  beforeEach(() => {
    harness = new SessionHarness();
    reconciler = new LabActionsReconciler({
      cpa: harness.cpa.client,
      systems: harness.systems,
      clock: harness.clock,
      pollIntervalMs: 500,
      actionTimeoutMs: 180_000,
    });
  });

  async function labOnCml(
    patch: Partial<LabRecord>,
    state: 'defined' | 'booted' | 'stopped' = 'defined',
  ): Promise<LabRecord> {
    const labId = (
      await harness.cml.importLab('nodes: [{ label: r1, node_definition: iosv }]', { title: 'operator lab' })
    ).id;
    if (state !== 'defined') await harness.cml.startLab(labId);
    if (state === 'stopped') await harness.cml.stopLab(labId);
    harness.cml.recorder.reset();
    return harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({ worker_id: harness.worker.id, lab_id: labId, ...patch }),
    );
  }

  const reconcile = (lab: LabRecord, failures = 0) =>
    reconciler.reconcile(lab.id, runContext(lab.id, failures));
  const completions = () =>
    harness.cpa.fake.callsTo(apiContract.internal.labRecords.completeLabAction).map((call) => call.body);

  it('starts a lab, waits for every node to boot and completes the action with BOOTED', async () => {
    const lab = await labOnCml({ status: 'WIPED', pending_action: 'start' });
    await reconcile(lab);
    expect(harness.cml.recorder.operations()).toContain('startLab');
    expect(completions()).toEqual([
      { action: 'start', resulting_status: 'BOOTED', completed_at: harness.clock.now().toISOString() },
    ]);
    expect(harness.cpa.lab(lab.id)).toMatchObject({ status: 'BOOTED', pending_action: null });
  });

  it('stops a running lab and completes with STOPPED', async () => {
    const lab = await labOnCml({ status: 'BOOTED', pending_action: 'stop' }, 'booted');
    await reconcile(lab);
    expect(await harness.cml.getLabState(lab.runtime_binding.lab_id)).toBe('STOPPED');
    expect(completions()).toEqual([expect.objectContaining({ action: 'stop', resulting_status: 'STOPPED' })]);
  });

  it('wipes a stopped lab and completes with WIPED', async () => {
    const lab = await labOnCml({ status: 'STOPPED', pending_action: 'wipe' }, 'stopped');
    await reconcile(lab);
    expect(harness.cml.recorder.operations()).toContain('wipeLab');
    expect(completions()).toEqual([expect.objectContaining({ action: 'wipe', resulting_status: 'WIPED' })]);
  });

  it('deletes a started lab by stop → wipe → delete, reporting STOPPED and WIPED on the way', async () => {
    const lab = await labOnCml({ status: 'BOOTED', pending_action: 'delete' }, 'booted');
    await reconcile(lab);
    expect(harness.cml.recorder.operations().filter((op) => op !== 'getLabState')).toEqual([
      'stopLab',
      'wipeLab',
      'deleteLab',
    ]);
    expect(
      harness.cpa.fake
        .callsTo(apiContract.internal.labRecords.updateLabStatus)
        .map((call) => call.body.status),
    ).toEqual(['STOPPED', 'WIPED']);
    expect(completions()).toEqual([
      expect.objectContaining({ action: 'delete', resulting_status: 'DELETED' }),
    ]);
    expect(await harness.cml.listLabs()).toEqual([]);
  });

  it('deletes a lab already DEFINED without stopping it', async () => {
    const lab = await labOnCml({ status: 'DEFINED', pending_action: 'delete' });
    await reconcile(lab);
    expect(harness.cml.recorder.operations()).not.toContain('stopLab');
    expect(completions()).toEqual([
      expect.objectContaining({ action: 'delete', resulting_status: 'DELETED' }),
    ]);
  });

  it('requeues while CML is still booting the lab', async () => {
    const slow = new (
      harness.cml.constructor as new (options: { bootImmediately: boolean }) => typeof harness.cml
    )({ bootImmediately: false });
    Object.assign(harness.systems, { cml: () => slow });
    const labId = (await slow.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    const lab = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: labId,
        status: 'WIPED',
        pending_action: 'start',
      }),
    );
    expect(await reconcile(lab)).toMatchObject({ kind: 'requeue', afterMs: 500 });
    expect(completions()).toEqual([]);
  });

  const failures = () =>
    harness.cpa.fake.callsTo(apiContract.internal.labRecords.failLabAction).map((call) => call.body);
  const refused = () =>
    new ConflictError({ system: 'cml', operation: 'startLab', status: 400, message: 'not enough memory' });

  it('retries a CML failure with backoff however often it fails, until 180 s after the request (spec §7.3.3)', async () => {
    const lab = await labOnCml({
      status: 'WIPED',
      pending_action: 'start',
      pending_action_at: harness.clock.now().toISOString(),
    });
    harness.cml.recorder.failNext('startLab', refused(), 20);
    for (let attempt = 0; attempt < 6; attempt += 1) {
      expect((await reconcile(lab, attempt)).kind).toBe('error');
      harness.clock.step(1_000 * 2 ** attempt);
    }
    expect(failures()).toEqual([]);
    harness.clock.step(180_000 - 63_000);
    expect(await reconcile(lab, 6)).toEqual({ kind: 'done' });
    expect(failures()).toEqual([
      {
        action: 'start',
        error_message: 'gave up after 180 s: cml startLab failed (HTTP 400): not enough memory',
        transition_to_error: false,
      },
    ]);
  });

  it('moves the last retry to the deadline instead of backing off past it', async () => {
    const lab = await labOnCml({
      status: 'WIPED',
      pending_action: 'start',
      pending_action_at: harness.clock.now().toISOString(),
    });
    harness.cml.recorder.failNext('startLab', refused(), 2);
    harness.clock.step(150_000);
    expect(await reconcile(lab, 6)).toMatchObject({ kind: 'requeue', afterMs: 30_000 });
    harness.clock.step(30_000);
    expect(await reconcile(lab, 0)).toEqual({ kind: 'done' });
    expect(failures()).toHaveLength(1);
  });

  it('gives up on a lab CML never finishes booting once the 180 s are over', async () => {
    const slow = new (
      harness.cml.constructor as new (options: { bootImmediately: boolean }) => typeof harness.cml
    )({ bootImmediately: false });
    Object.assign(harness.systems, { cml: () => slow });
    const labId = (await slow.importLab('nodes: [{ label: r1, node_definition: iosv }]')).id;
    const lab = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: labId,
        status: 'WIPED',
        pending_action: 'start',
        pending_action_at: harness.clock.now().toISOString(),
      }),
    );
    harness.clock.step(179_800);
    expect(await reconcile(lab)).toMatchObject({ kind: 'requeue', afterMs: 200 });
    harness.clock.step(200);
    expect(await reconcile(lab)).toEqual({ kind: 'done' });
    expect(failures()).toEqual([
      {
        action: 'start',
        error_message: 'lab start timed out after 180 s: CML did not finish it',
        transition_to_error: false,
      },
    ]);
    expect(completions()).toEqual([]);
  });

  it('keeps retrying while the control plane is unreachable, even past the deadline (the failure could not be reported)', async () => {
    const lab = await labOnCml({
      status: 'WIPED',
      pending_action: 'start',
      pending_action_at: harness.clock.now().toISOString(),
    });
    harness.clock.step(200_000);
    harness.cpa.fake.failNext(apiContract.internal.workers.getWorker, 503);
    expect((await reconcile(lab, 3)).kind).toBe('error');
    expect(failures()).toEqual([]);
  });

  it('imports an operator import (IMPORTING, no session) from its YAML, once', async () => {
    const lab = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        lab_id: 'placeholder',
        status: 'IMPORTING',
        title: 'operator import',
        topology_spec: {
          nodes: [],
          links: [],
          annotations: [],
          raw_yaml: 'nodes: [{ label: r1, node_definition: iosv }]',
        },
      }),
    );
    await reconcile(lab);
    await reconcile({ ...lab, status: 'IMPORTING' });
    const [imported] = await harness.cml.listLabs();
    expect(harness.cml.recorder.callsTo('importLab')).toHaveLength(1);
    expect(harness.cpa.lab(lab.id)).toMatchObject({
      status: 'DEFINED',
      runtime_binding: { lab_id: imported?.id },
    });
  });

  it('leaves a session’s own import and labs without work alone', async () => {
    const sessionImport = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        status: 'IMPORTING',
        active_lablet_session_id: 'session-1',
      }),
    );
    const idle = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({ worker_id: harness.worker.id, status: 'WIPED' }),
    );
    await reconcile(sessionImport);
    await reconcile(idle);
    expect(harness.cml.recorder.calls).toEqual([]);
  });

  it('lists labs with a pending action and operator imports', async () => {
    const pending = await labOnCml({ status: 'BOOTED', pending_action: 'stop' });
    const operatorImport = harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({ worker_id: harness.worker.id, status: 'IMPORTING' }),
    );
    harness.cpa.add(
      harness.cpa.labs,
      aLabRecordDoc({
        worker_id: harness.worker.id,
        status: 'IMPORTING',
        active_lablet_session_id: 'session-1',
      }),
    );
    harness.cpa.add(harness.cpa.labs, aLabRecordDoc({ worker_id: harness.worker.id, status: 'WIPED' }));
    expect(await reconciler.sources[0]!.list!()).toEqual([pending.id, operatorImport.id]);
  });
});
