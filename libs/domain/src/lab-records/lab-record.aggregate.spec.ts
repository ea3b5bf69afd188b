import { FakeClock, aLabRecord } from '@lcm/testing';
import type { TopologySpec } from '@lcm/contracts';
import { LabRecord } from './lab-record.aggregate';
import {
  LabActionPendingError,
  LabIdFixedError,
  LabRecordTerminalError,
  NoPendingActionError,
} from './lab-record.errors';

const MINUTE = 60_000;
const topology = (nodes: string[]): TopologySpec => ({
  nodes: nodes.map((label) => ({ label, tags: [] })),
  links: [],
  annotations: [],
});
const types = (lab: LabRecord) => lab.pullEvents().map((event) => event.type);

describe('LabRecord pending actions', () => {
  it('records a request without moving the status; the same request again is a no-op, another one conflicts', () => {
    const lab = aLabRecord().inState('DEFINED').build();
    lab.requestAction('start', 'admin');
    lab.requestAction('start', 'admin');
    expect(lab.toState()).toMatchObject({ status: 'DEFINED', pending_action: 'start' });
    expect(types(lab)).toEqual(['lab_record.action_requested']);
    expect(() => lab.requestAction('wipe')).toThrow(LabActionPendingError);
  });

  it('refuses requests on terminal records', () => {
    expect(() => aLabRecord().inState('DELETED').build().requestAction('start')).toThrow(
      LabRecordTerminalError,
    );
  });

  it('opens a run on start and closes it on stop, with reason and final state', () => {
    const clock = new FakeClock();
    const lab = aLabRecord().inState('DEFINED').usedBy('session-9').build(clock);
    lab.requestAction('start');
    lab.completeAction('start');
    expect(lab.status).toBe('BOOTED');
    expect(types(lab)).toEqual([
      'lab_record.action_requested',
      'lab_record.pending_action_cleared',
      'lab_record.status_changed',
      'lab_record.action_completed',
    ]);
    clock.step(10 * MINUTE);
    lab.requestAction('stop');
    lab.completeAction('stop');
    expect(lab.toState().run_history).toEqual([
      expect.objectContaining({
        lablet_session_id: 'session-9',
        duration_seconds: 600,
        stop_reason: 'stop',
        final_state: 'STOPPED',
      }),
    ]);
    expect(lab.openRunId).toBeNull();
  });

  it('clears the action but keeps the status when the outcome is not a table edge', () => {
    const lab = aLabRecord().inState('IMPORTING').withPendingAction('wipe').build();
    lab.completeAction('wipe');
    expect(lab.toState()).toMatchObject({ status: 'IMPORTING', pending_action: null });
    expect(
      lab.pullEvents().find((event) => event.type === 'lab_record.action_completed')?.payload,
    ).toMatchObject({ applied: false });
  });

  it('treats a repeated completion as a no-op and a completion without any request as an error', () => {
    const lab = aLabRecord().inState('STOPPED').build();
    lab.completeAction('stop');
    expect(lab.pullEvents()).toEqual([]);
    expect(() => lab.completeAction('wipe')).toThrow(NoPendingActionError);
  });

  it('records a failure, optionally moving to ERROR with the previous status', () => {
    const lab = aLabRecord().inState('BOOTED').withPendingAction('stop').build();
    lab.failAction('cml timeout', { transition_to_error: true });
    expect(lab.toState()).toMatchObject({
      status: 'ERROR',
      pending_action: null,
      pending_action_error: 'cml timeout',
      previous_status_before_error: 'BOOTED',
      last_error: 'cml timeout',
    });
    expect(() => lab.failAction('again')).toThrow(NoPendingActionError);
  });

  it('fails an action older than the stale timeout (R5)', () => {
    const clock = new FakeClock();
    const lab = aLabRecord().inState('DEFINED').withPendingAction('start', clock.now()).build(clock);
    clock.step(29 * MINUTE);
    expect(lab.failStalePendingAction(30)).toBe(false);
    clock.step(MINUTE);
    expect(lab.failStalePendingAction(30)).toBe(true);
    expect(lab.toState().pending_action_error).toBe('Timed out after 30 minutes');
  });
});

describe('LabRecord CML lab id of an import', () => {
  it('learns the id CML assigned while IMPORTING; the same id again is a no-op', () => {
    const lab = aLabRecord()
      .with({ runtime_binding: { runtime_type: 'CML', worker_id: 'w-1', lab_id: 'lcm-import-x' } })
      .inState('IMPORTING')
      .build();
    lab.assignCmlLabId('cml-lab-42');
    lab.assignCmlLabId('cml-lab-42');
    expect(lab.labId).toBe('cml-lab-42');
    expect(types(lab)).toEqual(['lab_record.cml_lab_assigned']);
  });

  it('refuses to rebind a lab that CML already knows', () => {
    const lab = aLabRecord().inState('DEFINED').build();
    expect(() => lab.assignCmlLabId('another-lab')).toThrow(LabIdFixedError);
    expect(() => lab.assignCmlLabId(lab.labId)).not.toThrow();
  });
});

describe('LabRecord reported runs', () => {
  const run = (run_id: string) => ({
    run_id,
    started_at: '2026-11-22T10:00:00.000Z',
    stopped_at: '2026-11-22T11:00:00.000Z',
    duration_seconds: 3600,
    started_by: 'lablet-controller',
    stop_reason: 'session_ended',
    lablet_session_id: null,
    final_state: 'STOPPED',
  });

  it('records a run once per run id, replacing a repeated report, and keeps the last 50', () => {
    const lab = aLabRecord().inState('STOPPED').build();
    lab.recordRun(run('r-1'));
    lab.recordRun({ ...run('r-1'), stop_reason: 'wiped' });
    expect(lab.toState().run_history.filter((r) => r.run_id === 'r-1')).toEqual([
      { ...run('r-1'), stop_reason: 'wiped' },
    ]);
    expect(types(lab)).toEqual(['lab_record.run_recorded', 'lab_record.run_recorded']);
    for (let i = 0; i < 60; i += 1) lab.recordRun(run(`bulk-${i}`));
    expect(lab.toState().run_history).toHaveLength(50);
    expect(lab.toState().run_history.at(-1)?.run_id).toBe('bulk-59');
  });
});

describe('LabRecord archive', () => {
  it('archives a STOPPED record, refuses with a pending action, when terminal, and off the table', () => {
    const lab = aLabRecord().inState('STOPPED').build();
    lab.archive();
    lab.archive();
    expect(lab.status).toBe('ARCHIVED');
    expect(() => aLabRecord().inState('STOPPED').withPendingAction('wipe').build().archive()).toThrow(
      LabActionPendingError,
    );
    expect(() => aLabRecord().inState('DELETED').build().archive()).toThrow(LabRecordTerminalError);
    expect(() => aLabRecord().inState('BOOTED').build().archive()).toThrow(
      expect.objectContaining({ code: 'LAB_RECORD.INVALID_TRANSITION' }),
    );
  });
});

describe('LabRecord deletion', () => {
  it('frees the lab from its session when it is deleted, so no DELETED record looks in use', () => {
    const lab = aLabRecord().inState('WIPED').with({ active_lablet_session_id: 'session-1' }).build();
    lab.requestAction('delete');
    lab.completeAction('delete');
    expect(lab.status).toBe('DELETED');
    expect(lab.activeSessionId).toBeNull();
    expect(types(lab)).toContain('lab_record.session_detached');
  });
});

describe('LabRecord discovery and topology', () => {
  it('creates a discovered record at revision 1 with checksum', () => {
    const lab = LabRecord.discover(
      { id: 'l1', worker_id: 'w1', lab_id: 'cml-1', topology_spec: topology(['r1', 'r2']) },
      new FakeClock(),
    );
    expect(lab.toState()).toMatchObject({
      status: 'DISCOVERED',
      source: 'discovery',
      revision: 1,
      node_count: 2,
    });
    expect(lab.toState().topology_spec?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds a revision only when the checksum changes', () => {
    const lab = LabRecord.beginImport(
      { id: 'l1', worker_id: 'w1', lab_id: 'cml-1', source: 'import', topology_spec: topology(['r1']) },
      new FakeClock(),
    );
    lab.recordTopology(topology(['r1']), 'user', 'same');
    expect(lab.revision).toBe(1);
    lab.recordTopology(topology(['r1', 'r2']), 'user', 'added r2');
    expect(lab.revision).toBe(2);
    expect(lab.toState().revision_history.map((revision) => revision.revision)).toEqual([1, 2]);
  });

  it('writes the observed status outside the table, but not while an action is pending or on terminal records', () => {
    const lab = aLabRecord().inState('DISCOVERED').build();
    lab.syncFromDiscovery({ status: 'QUEUED' });
    expect(lab.status).toBe('QUEUED');
    const pending = aLabRecord().inState('DEFINED').withPendingAction('start').build();
    pending.syncFromDiscovery({ status: 'STOPPED' });
    expect(pending.status).toBe('DEFINED');
    const deleted = aLabRecord().inState('DELETED').build();
    deleted.syncFromDiscovery({ status: 'BOOTED' });
    expect(deleted.status).toBe('DELETED');
  });

  it('turns a reappearing orphan into DISCOVERED', () => {
    const lab = aLabRecord().inState('ORPHANED').build();
    lab.syncFromDiscovery({ status: 'BOOTED' });
    expect(lab.status).toBe('DISCOVERED');
  });

  it('ignores metadata no newer than the stored modification time (R6)', () => {
    const lab = aLabRecord()
      .inState('DEFINED')
      .with({ title: 'current', modified_at: '2030-01-07T08:00:00.000Z' })
      .build();
    lab.syncFromDiscovery({
      status: 'DEFINED',
      modified_at: '2030-01-07T07:00:00.000Z',
      metadata: { title: 'stale' },
    });
    expect(lab.toState().title).toBe('current');
    lab.syncFromDiscovery({
      status: 'DEFINED',
      modified_at: '2030-01-07T08:30:00.000Z',
      metadata: { title: 'newer' },
    });
    expect(lab.toState()).toMatchObject({ title: 'newer', modified_at: '2030-01-07T08:30:00.000Z' });
  });

  it('keeps at most 50 status changes', () => {
    const lab = aLabRecord().inState('BOOTED').build();
    for (let i = 0; i < 30; i += 1) {
      lab.observeStatus('PAUSED');
      lab.observeStatus('BOOTED');
    }
    expect(lab.toState().status_history).toHaveLength(50);
  });
});
