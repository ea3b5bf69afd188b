import { FakeClock, aDefinition, aGradingSession, aScoreReport, aSession, aUserSession } from '@lcm/testing';
import type { LabletSessionStatus } from '@lcm/contracts';
import { DefinitionNotActiveError } from '../lablet-definitions/lablet-definition.errors';
import { LabletSession } from './lablet-session.aggregate';
import {
  InvalidTimeslotError,
  ScoreAlreadyRecordedError,
  TimeslotNotEndedError,
} from './lablet-session.errors';

const MINUTE = 60_000;
const iso = (clock: FakeClock, offsetMinutes: number) =>
  new Date(clock.now().getTime() + offsetMinutes * MINUTE).toISOString();

describe('LabletSession.create', () => {
  const clock = new FakeClock();
  const create = (patch: Partial<{ start: number; end: number; status: 'active' | 'inactive' }> = {}) =>
    LabletSession.create(
      {
        id: 's1',
        definition: aDefinition()
          .inStatus(patch.status ?? 'active')
          .with({ max_duration_minutes: 120 })
          .build(clock),
        owner: 'candidate',
        reservation_id: 'booking-1',
        timeslot_start: iso(clock, patch.start ?? 10),
        timeslot_end: iso(clock, patch.end ?? 70),
      },
      clock,
    );

  it('pins the definition and starts PENDING with a created event', () => {
    const session = create();
    expect(session.toState()).toMatchObject({
      status: 'PENDING',
      definition_version: '1.0.0',
      reservation_id: 'booking-1',
      desired_status: 'running',
      version: 0,
    });
    expect(session.pullEvents().map((event) => event.type)).toEqual(['lablet_session.created']);
  });

  it.each([
    ['an inactive definition', { status: 'inactive' as const }, DefinitionNotActiveError],
    ['end before start', { start: 30, end: 20 }, InvalidTimeslotError],
    ['end equal to start', { start: 30, end: 30 }, InvalidTimeslotError],
    ['start in the past', { start: -5, end: 30 }, InvalidTimeslotError],
    ['longer than max_duration_minutes', { start: 0, end: 121 }, InvalidTimeslotError],
  ])('refuses %s', (_label, patch, error) => {
    expect(() => create(patch)).toThrow(error);
  });

  it('accepts a start a moment in the past (clock skew of an ASAP booking)', () => {
    expect(create({ start: -0.5, end: 60 }).status).toBe('PENDING');
  });
});

describe('LabletSession expiry (decision 19)', () => {
  it.each([
    ['PENDING', 'timeslot_missed'],
    ['SCHEDULED', 'timeslot_missed'],
    ['INSTANTIATING', 'no_show'],
    ['READY', 'no_show'],
  ] as const)('expires a %s session as %s once the timeslot is over', (status, reason) => {
    const clock = new FakeClock();
    const session = aSession().inState(status).build(clock);
    clock.step(61 * MINUTE);
    session.expire();
    expect(session.toState()).toMatchObject({ status: 'EXPIRED', expiry_reason: reason });
  });

  it('refuses to expire before the timeslot ends', () => {
    const session = aSession().inState('SCHEDULED').build();
    expect(() => session.expire()).toThrow(TimeslotNotEndedError);
    expect(session.status).toBe('SCHEDULED');
  });

  it.each(['RUNNING', 'COLLECTING', 'GRADING'] as const)('never expires a %s session', (status) => {
    const clock = new FakeClock();
    const session = aSession().inState(status).build(clock);
    clock.step(2 * 60 * MINUTE);
    expect(() => session.expire()).toThrow(
      expect.objectContaining({ code: 'SESSION.INVALID_TRANSITION', current: status, requested: 'EXPIRED' }),
    );
  });

  it('moves an EXPIRED session without a lab only to TERMINATED', () => {
    const session = aSession().inState('EXPIRED').build();
    expect(() => session.beginStopping('teardown')).toThrow(
      expect.objectContaining({ current: 'EXPIRED', requested: 'STOPPING' }),
    );
    session.terminate({ reason: 'expired', terminated_by: 'lablet-controller' });
    expect(session.status).toBe('TERMINATED');
  });
});

describe('LabletSession capacity release (decision 3)', () => {
  const releaseEvents = (session: LabletSession) =>
    session.pullEvents().filter((event) => event.type === 'lablet_session.capacity_released');

  it.each<[string, LabletSessionStatus, (s: LabletSession, clock: FakeClock) => void, boolean]>([
    ['entering STOPPED', 'STOPPING', (s) => s.markStopped(), true],
    [
      'terminating a RUNNING session',
      'RUNNING',
      (s) => s.terminate({ reason: 'admin', terminated_by: 'admin' }),
      true,
    ],
    [
      'expiring a SCHEDULED session without lab',
      'SCHEDULED',
      (s, c) => (c.step(61 * MINUTE), s.expire()),
      true,
    ],
    [
      'expiring a PENDING session (nothing held)',
      'PENDING',
      (s, c) => (c.step(61 * MINUTE), s.expire()),
      false,
    ],
    ['entering STOPPING', 'RUNNING', (s) => s.beginStopping('timeslot_end'), false],
    [
      'terminating a STOPPED session (already released)',
      'STOPPED',
      (s) => s.terminate({ reason: 'x', terminated_by: null }),
      false,
    ],
    ['archiving', 'STOPPED', (s) => s.archive(), false],
  ])('%s', (_label, status, act, released) => {
    const clock = new FakeClock();
    const session = aSession().inState(status).build(clock);
    act(session, clock);
    expect(releaseEvents(session)).toHaveLength(released ? 1 : 0);
  });

  it('keeps capacity while an EXPIRED session still has a lab to tear down, and releases at STOPPED', () => {
    const clock = new FakeClock();
    const session = aSession().inState('INSTANTIATING').withLab('lab-1').build(clock);
    clock.step(61 * MINUTE);
    session.expire();
    expect(session.holdsCapacity).toBe(true);
    expect(releaseEvents(session)).toHaveLength(0);
    session.beginStopping('teardown');
    session.markStopped();
    expect(releaseEvents(session)).toHaveLength(1);
  });
});

describe('LabletSession lifecycle facts', () => {
  it('treats terminating a TERMINATED session and expiring an EXPIRED one as no-ops', () => {
    const terminated = aSession().inState('TERMINATED').build();
    terminated.terminate({ reason: 'again', terminated_by: 'admin' });
    const expired = aSession().inState('EXPIRED').build();
    expired.expire();
    expect([...terminated.pullEvents(), ...expired.pullEvents()]).toEqual([]);
  });

  it('records the login time LDS reported, but never a time in the future', () => {
    const clock = new FakeClock();
    const reported = iso(clock, -3);
    const late = aSession().inState('READY').build(clock);
    late.start({ startedAt: reported });
    expect(late.toState().started_at).toBe(reported);
    const future = aSession().inState('READY').build(clock);
    future.start({ startedAt: iso(clock, 30) });
    expect(future.toState().started_at).toBe(clock.now().toISOString());
  });

  it('refuses STOPPED → RUNNING (decision 4)', () => {
    expect(() => aSession().inState('STOPPED').build().start()).toThrow(
      expect.objectContaining({ current: 'STOPPED', requested: 'RUNNING' }),
    );
  });

  it('activates and ends the user session with RUNNING and COLLECTING, recording times', () => {
    const clock = new FakeClock();
    const session = aSession().inState('READY').build(clock);
    const user = aUserSession().forSession(session).build(clock);
    session.start({ userSession: user });
    clock.step(30 * MINUTE);
    session.collect({ userSession: user });
    expect(user.status).toBe('ENDED');
    expect(session.toState()).toMatchObject({ status: 'COLLECTING', duration_seconds: 1800 });
  });

  it('refuses a child entity of another session', () => {
    const session = aSession().inState('INSTANTIATING').build();
    expect(() => session.markReady({ userSession: aUserSession().forSession('other').build() })).toThrow(
      /does not belong/,
    );
  });

  it('sets terminated fields and desired status on terminate', () => {
    const session = aSession().inState('READY').build();
    session.terminate({ reason: 'worker_stopped_during_active_session', terminated_by: 'control-plane' });
    expect(session.toState()).toMatchObject({
      status: 'TERMINATED',
      desired_status: 'terminated',
      termination_reason: 'worker_stopped_during_active_session',
    });
    expect(session.pullEvents().map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'lablet_session.terminated',
        'lablet_session.desired_status_updated',
        'lablet_session.capacity_released',
      ]),
    );
  });

  it('extends the timeslot only to a later end', () => {
    const clock = new FakeClock();
    const session = aSession().inState('RUNNING').build(clock);
    const end = session.timeslotEnd;
    expect(() => session.extendTimeslot(end)).toThrow(InvalidTimeslotError);
    expect(() => session.extendTimeslot(iso(clock, 30))).toThrow(InvalidTimeslotError);
    session.extendTimeslot(iso(clock, 90));
    expect(session.timeslotEnd).toBe(iso(clock, 90));
    expect(() => session.extendTimeslot(iso(clock, 600), 240)).toThrow(/at most 240 minutes/);
  });

  it('records pipeline progress and bounded retries', () => {
    const session = aSession().inState('INSTANTIATING').build();
    session.updatePipelineProgress('instantiate', 'lab_start', {
      status: 'failed',
      result_data: null,
      error: 'timeout',
    });
    expect(session.recordRetry('worker draining')).toBe(1);
    expect(session.toState().pipeline_progress['instantiate']?.['lab_start']).toMatchObject({
      status: 'failed',
      error: 'timeout',
    });
  });

  it("keeps a step's earlier results beside the entries of the unfinished step; a completed entry states them whole", () => {
    const session = aSession().inState('INSTANTIATING').build();
    const record = (status: 'running' | 'failed' | 'completed', result_data: Record<string, unknown>) =>
      session.updatePipelineProgress('instantiate', 'lds_provision', { status, result_data, error: null });
    const results = () => session.toState().pipeline_progress['instantiate']?.['lds_provision']?.result_data;

    record('failed', { attempts: 1 });
    record('running', { lds_session_id: 'lds-1' });
    expect(results()).toEqual({ attempts: 1, lds_session_id: 'lds-1' });
    record('failed', { attempts: 2 });
    expect(results()).toEqual({ lds_session_id: 'lds-1', attempts: 2 });
    record('completed', { lds_session_id: 'lds-1', login_url: 'https://lds.example.com/a' });
    expect(results()).toEqual({ lds_session_id: 'lds-1', login_url: 'https://lds.example.com/a' });
  });

  it('records cleanup once, only when TERMINATED', () => {
    expect(() => aSession().inState('STOPPED').build().markCleanupCompleted()).toThrow(
      expect.objectContaining({ code: 'SESSION.INVALID_TRANSITION' }),
    );
    const session = aSession().inState('TERMINATED').build();
    session.markCleanupCompleted();
    session.markCleanupCompleted();
    expect(session.pullEvents().map((event) => event.type)).toEqual(['lablet_session.cleanup_completed']);
  });
});

describe('LabletSession grading', () => {
  it('records the score and derives grade_result, refusing a second report', () => {
    const session = aSession().inState('GRADING').build();
    const report = aScoreReport().forSession(session).scoring(55, 100, false).build();
    session.recordScore(report);
    session.recordScore(report);
    expect(session.gradeResult).toBe('fail');
    expect(() => session.recordScore(aScoreReport().forSession(session).build())).toThrow(
      ScoreAlreadyRecordedError,
    );
    session.beginStopping('grading_completed');
    expect(session.toState()).toMatchObject({ status: 'STOPPING', grade_result: 'fail' });
  });

  it('keeps the session GRADING on a grading failure, allows a retry, and gives up after the hold (decision 21)', () => {
    const clock = new FakeClock();
    const session = aSession().inState('COLLECTING').build(clock);
    const first = aGradingSession().forSession(session).inState('GRADING').build(clock);
    session.beginGrading(first);
    session.recordGradingFailure(first, 'engine exploded');
    expect(first.status).toBe('FAULTED');
    expect(session.toState()).toMatchObject({ status: 'GRADING', grading_error: 'engine exploded' });

    const retry = aGradingSession().forSession(session).build(clock);
    session.retryGrading(retry);
    expect(session.toState()).toMatchObject({ grading_session_id: retry.id, grading_error: null });

    session.recordGradingFailure(retry, 'again');
    expect(session.isGradingFaultHoldOver(30)).toBe(false);
    clock.step(30 * MINUTE);
    expect(session.isGradingFaultHoldOver(30)).toBe(true);
    session.beginStopping('grading_fault_hold_expired');
    expect(session.toState()).toMatchObject({
      status: 'STOPPING',
      grade_result: null,
      grading_error: 'again',
    });
  });
});
