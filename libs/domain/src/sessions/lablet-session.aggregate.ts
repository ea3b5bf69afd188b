import type {
  ExpiryReason,
  GradeResult,
  LabletSessionStatus,
  PortMap,
  SessionDesiredStatus,
} from '@lcm/contracts';
import type { LabletDefinition } from '../lablet-definitions/lablet-definition.aggregate';
import { DefinitionNotActiveError } from '../lablet-definitions/lablet-definition.errors';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import { InvalidTransitionError } from '../shared/domain-error';
import { applyTransition } from '../shared/transition-table';
import type { GradingSession } from './grading-session.entity';
import {
  ChildMismatchError,
  InvalidTimeslotError,
  LabBindingRefusedError,
  ScoreAlreadyRecordedError,
  TimeslotNotEndedError,
} from './lablet-session.errors';
import { LABLET_SESSION_STATUS_EVENTS, type LabletSessionEvent } from './lablet-session.events';
import {
  LabletSessionState,
  type LabletSessionStateInput,
  type PipelineStepProgress,
} from './lablet-session.state';
import { sessionHoldsCapacity } from './lablet-session.status-traits';
import { stepResultsAfter } from './pipeline-progress';
import { LABLET_SESSION_MACHINE } from './lablet-session.transitions';
import type { ScoreReport } from './score-report.entity';
import type { UserSession } from './user-session.entity';

/** A booking made "now" reaches CPA a moment later; this much past is still accepted as a start. */
export const START_IN_PAST_TOLERANCE_MS = 60_000;

export interface CreateSessionInput {
  id: string;
  definition: LabletDefinition;
  owner: string;
  /** Who asked for the session (a booking system, an operator); the owner is the candidate. */
  created_by?: string | null;
  reservation_id?: string | null;
  timeslot_start: string;
  timeslot_end: string;
}

const EXPIRY_REASONS: Partial<Record<LabletSessionStatus, ExpiryReason>> = {
  PENDING: 'timeslot_missed',
  SCHEDULED: 'timeslot_missed',
  INSTANTIATING: 'no_show',
  READY: 'no_show',
};

const EXTENDABLE: readonly LabletSessionStatus[] = [
  'PENDING',
  'SCHEDULED',
  'INSTANTIATING',
  'READY',
  'RUNNING',
];

export class LabletSession extends AggregateRoot<LabletSessionState, LabletSessionEvent> {
  protected readonly aggregateType = 'lablet_session' as const;

  /** Pins the definition's name and version; the definition must be active (spec §4.1 create row). */
  static create(input: CreateSessionInput, clock: Clock): LabletSession {
    const { definition } = input;
    if (!definition.acceptsSessions) throw new DefinitionNotActiveError(definition.id, definition.status);
    const now = clock.now();
    const start = Date.parse(input.timeslot_start);
    const end = Date.parse(input.timeslot_end);
    if (Number.isNaN(start) || Number.isNaN(end))
      throw new InvalidTimeslotError('timeslot bounds must be ISO date-times');
    if (end <= start)
      throw new InvalidTimeslotError('timeslot_end must be after timeslot_start', {
        timeslot_start: input.timeslot_start,
        timeslot_end: input.timeslot_end,
      });
    if (start < now.getTime() - START_IN_PAST_TOLERANCE_MS)
      throw new InvalidTimeslotError('timeslot_start lies in the past', {
        timeslot_start: input.timeslot_start,
      });
    assertWithinMaxDuration(start, end, definition.maxDurationMinutes);

    const at = now.toISOString();
    const session = new LabletSession(
      LabletSessionState.parse({
        id: input.id,
        version: 0,
        created_at: at,
        updated_at: at,
        definition_id: definition.id,
        definition_version: definition.semver,
        definition_name: definition.name,
        owner: input.owner,
        reservation_id: input.reservation_id ?? null,
        timeslot_start: new Date(start).toISOString(),
        timeslot_end: new Date(end).toISOString(),
        status: 'PENDING',
        status_history: [
          { from: null, to: 'PENDING', at, reason: 'created', actor: input.created_by ?? null },
        ],
      }),
      clock,
    );
    session.raise('lablet_session.created', {
      from: null,
      to: 'PENDING',
      reason: 'created',
      worker_id: null,
      lab_record_id: null,
    });
    return session;
  }

  static fromState(state: LabletSessionStateInput, clock: Clock): LabletSession {
    return new LabletSession(LabletSessionState.parse(state), clock);
  }

  get status(): LabletSessionStatus {
    return this.state.status;
  }

  get definitionId(): string {
    return this.state.definition_id;
  }

  get owner(): string {
    return this.state.owner;
  }

  get workerId(): string | null {
    return this.state.worker_id;
  }

  get labRecordId(): string | null {
    return this.state.lab_record_id;
  }

  get allocatedPorts(): PortMap {
    return { ...this.state.allocated_ports };
  }

  get userSessionId(): string | null {
    return this.state.user_session_id;
  }

  get gradingSessionId(): string | null {
    return this.state.grading_session_id;
  }

  get gradeResult(): GradeResult | null {
    return this.state.grade_result;
  }

  get timeslotEnd(): string {
    return this.state.timeslot_end;
  }

  get desiredStatus(): SessionDesiredStatus {
    return this.state.desired_status;
  }

  get isTerminal(): boolean {
    return this.state.status === 'TERMINATED';
  }

  /** Decision 3: whether the worker must still count this session's capacity. */
  get holdsCapacity(): boolean {
    return sessionHoldsCapacity(this.state.status, this.state.lab_record_id);
  }

  get isTimeslotOver(): boolean {
    return this.clock.now().getTime() >= Date.parse(this.state.timeslot_end);
  }

  /** Decision 21: a faulted grading is held this long for an operator before LC moves on. */
  isGradingFaultHoldOver(holdMinutes: number): boolean {
    const faultedAt = this.state.grading_faulted_at;
    return (
      this.state.status === 'GRADING' &&
      faultedAt !== null &&
      this.clock.now().getTime() - Date.parse(faultedAt) >= holdMinutes * 60_000
    );
  }

  // ---- lifecycle (spec §4.1) ----

  /** CPA allocates capacity and ports on the worker in the same unit of work (see scheduleSession). */
  schedule(input: { worker_id: string; allocated_ports: PortMap; actor?: string | null }): void {
    this.transitionTo('SCHEDULED', 'scheduled', input.actor ?? null, () => {
      this.state.worker_id = input.worker_id;
      this.state.allocated_ports = { ...input.allocated_ports };
      this.state.scheduled_at = this.now();
    });
  }

  startInstantiation(actor: string | null = null): void {
    this.transitionTo('INSTANTIATING', 'instantiation_lead_reached', actor);
  }

  /**
   * Decision 2: LC links the lab while INSTANTIATING. `allocated_ports` is the map the devices are
   * reachable on: the session's own reservation after a cold import, the lab's after a reuse.
   */
  bindLab(input: { lab_record_id: string; cml_lab_id: string | null; allocated_ports: PortMap }): void {
    if (this.state.lab_record_id === input.lab_record_id) return;
    this.assertCanBindLab(input.lab_record_id);
    this.state.lab_record_id = input.lab_record_id;
    this.state.cml_lab_id = input.cml_lab_id;
    this.state.allocated_ports = { ...input.allocated_ports };
    this.touch();
    this.raise('lablet_session.lab_bound', {
      lab_record_id: input.lab_record_id,
      cml_lab_id: input.cml_lab_id,
      allocated_ports: { ...input.allocated_ports },
    });
  }

  /** Lets a caller that must also change the worker and the lab check first, so a refusal touches nothing. */
  assertCanBindLab(labRecordId: string): void {
    if (this.state.status !== 'INSTANTIATING')
      throw new LabBindingRefusedError(
        this.id,
        labRecordId,
        `session is ${this.state.status}, not INSTANTIATING`,
      );
    if (this.state.lab_record_id !== null && this.state.lab_record_id !== labRecordId) {
      throw new LabBindingRefusedError(
        this.id,
        labRecordId,
        `lab ${this.state.lab_record_id} is already bound`,
      );
    }
  }

  /** Atomic with the LDS data: the UserSession (absent when the definition has no LDS content) and the CML lab id. */
  markReady(
    input: { userSession?: UserSession | null; cml_lab_id?: string | null; actor?: string | null } = {},
  ): void {
    const userSession = input.userSession ?? null;
    if (userSession) this.assertOwnChild('UserSession', userSession.id, userSession.labletSessionId);
    this.transitionTo('READY', 'lds_provisioned', input.actor ?? null, () => {
      if (userSession) this.state.user_session_id = userSession.id;
      if (input.cml_lab_id) this.state.cml_lab_id = input.cml_lab_id;
    });
  }

  /**
   * READY → RUNNING. `startedAt` is when LDS saw the candidate log in (the CloudEvent's time), so a
   * late delivery does not shorten the recorded duration; a time in the future is not believed.
   */
  start(
    input: { userSession?: UserSession | null; actor?: string | null; startedAt?: string | null } = {},
  ): void {
    const userSession = this.ownUserSession(input.userSession);
    this.transitionTo('RUNNING', 'candidate_started', input.actor ?? null, () => {
      const now = this.now();
      const reported = input.startedAt ? Date.parse(input.startedAt) : Number.NaN;
      this.state.started_at = reported <= Date.parse(now) ? new Date(reported).toISOString() : now;
      if (userSession && userSession.status !== 'ACTIVE') userSession.activate();
    });
  }

  /** The candidate's part is over and output is to be collected (graded definitions). */
  collect(input: { userSession?: UserSession | null; actor?: string | null } = {}): void {
    const userSession = this.ownUserSession(input.userSession);
    this.transitionTo('COLLECTING', 'candidate_finished', input.actor ?? null, () => {
      this.closeRun();
      if (userSession && !userSession.isTerminal) userSession.end();
    });
  }

  beginGrading(gradingSession: GradingSession, actor: string | null = null): void {
    this.assertOwnChild('GradingSession', gradingSession.id, gradingSession.labletSessionId);
    this.transitionTo('GRADING', 'submitted_for_grading', actor, () => {
      this.state.grading_session_id = gradingSession.id;
    });
  }

  /** Decision 21: the GradingSession faults, the session stays GRADING with the lab up for an operator. */
  recordGradingFailure(gradingSession: GradingSession, error: string): void {
    this.assertInStatus('GRADING');
    this.assertCurrentGrading(gradingSession);
    if (this.state.grading_faulted_at !== null && gradingSession.status === 'FAULTED') return;
    gradingSession.fault(error);
    this.state.grading_error = error;
    this.state.grading_faulted_at = this.now();
    this.touch();
    this.raise('lablet_session.grading_faulted', { grading_session_id: gradingSession.id, error });
  }

  /** An operator retry during the fault hold: a new GradingSession replaces the faulted one. */
  retryGrading(gradingSession: GradingSession): void {
    this.assertInStatus('GRADING');
    this.assertOwnChild('GradingSession', gradingSession.id, gradingSession.labletSessionId);
    if (this.state.grading_session_id === gradingSession.id) return;
    const previous = this.state.grading_session_id;
    this.state.grading_session_id = gradingSession.id;
    this.state.grading_error = null;
    this.state.grading_faulted_at = null;
    this.touch();
    this.raise('lablet_session.grading_retried', {
      grading_session_id: gradingSession.id,
      previous_grading_session_id: previous,
    });
  }

  recordScore(report: ScoreReport): void {
    this.assertOwnChild('ScoreReport', report.id, report.labletSessionId);
    if (this.state.score_report_id === report.id) return;
    if (this.state.score_report_id !== null)
      throw new ScoreAlreadyRecordedError(this.id, this.state.score_report_id);
    this.assertInStatus('GRADING');
    this.state.score_report_id = report.id;
    this.state.grade_result = report.passed === null ? null : report.passed ? 'pass' : 'fail';
    this.touch();
    this.raise('lablet_session.score_recorded', {
      score_report_id: report.id,
      grade_result: this.state.grade_result,
    });
  }

  /**
   * Teardown begins: at timeslot end or Finish of an ungraded RUNNING session, skipped or failed
   * collection, completed (or given-up, decision 21) grading, or an EXPIRED session whose lab must go.
   */
  beginStopping(reason: string, actor: string | null = null): void {
    if (this.state.status === 'EXPIRED' && this.state.lab_record_id === null) {
      throw new InvalidTransitionError('SESSION', this.id, 'EXPIRED', 'STOPPING');
    }
    const leavingRunning = this.state.status === 'RUNNING';
    this.transitionTo('STOPPING', reason, actor, () => {
      if (leavingRunning) this.closeRun();
    });
  }

  markStopped(actor: string | null = null): void {
    this.transitionTo('STOPPED', 'lab_torn_down', actor);
  }

  archive(actor: string | null = null): void {
    this.transitionTo('ARCHIVED', 'archived', actor);
  }

  /** Decision 19, checked against the clock: reasons follow the status the session was stuck in. */
  expire(actor: string | null = null): void {
    if (this.state.status === 'EXPIRED') return;
    const reason = EXPIRY_REASONS[this.state.status];
    if (reason && !this.isTimeslotOver) throw new TimeslotNotEndedError(this.id, this.state.timeslot_end);
    this.transitionTo('EXPIRED', reason ?? 'expired', actor, () => {
      this.state.expiry_reason = reason ?? null;
    });
  }

  terminate(input: { reason: string; terminated_by: string | null }): void {
    this.transitionTo('TERMINATED', input.reason, input.terminated_by, () => {
      this.state.terminated_at = this.now();
      this.state.terminated_by = input.terminated_by;
      this.state.termination_reason = input.reason;
      this.setDesiredStatus('terminated');
    });
  }

  // ---- other facts ----

  /** Only to a later end, and not past the definition's maximum length when one is given (spec §3.2). */
  extendTimeslot(newEnd: string, maxDurationMinutes?: number): void {
    const previous = this.state.timeslot_end;
    const end = Date.parse(newEnd);
    if (Number.isNaN(end) || end <= Date.parse(previous))
      throw new InvalidTimeslotError('a timeslot can only be extended to a later end', {
        timeslot_end: previous,
        requested: newEnd,
      });
    if (!EXTENDABLE.includes(this.state.status))
      throw new InvalidTimeslotError(`a ${this.state.status} session's timeslot cannot be extended`, {
        status: this.state.status,
      });
    if (maxDurationMinutes !== undefined)
      assertWithinMaxDuration(Date.parse(this.state.timeslot_start), end, maxDurationMinutes);
    this.state.timeslot_end = new Date(end).toISOString();
    this.touch();
    this.raise('lablet_session.timeslot_extended', {
      previous_end: previous,
      timeslot_end: this.state.timeslot_end,
    });
  }

  updatePipelineProgress(
    pipeline: string,
    step: string,
    progress: Omit<PipelineStepProgress, 'updated_at'>,
  ): void {
    const steps = (this.state.pipeline_progress[pipeline] ??= {});
    steps[step] = {
      ...progress,
      result_data: stepResultsAfter(steps[step], progress),
      updated_at: this.now(),
    };
    this.touch();
    this.raise('lablet_session.pipeline_progress_updated', { pipeline, step, status: progress.status });
  }

  /** ADR-008: instantiation on a draining worker is retried a bounded number of times; the caller compares the count. */
  recordRetry(reason: string): number {
    this.state.retry_count += 1;
    this.touch();
    this.raise('lablet_session.retry_recorded', { retry_count: this.state.retry_count, reason });
    return this.state.retry_count;
  }

  markCleanupCompleted(): void {
    this.assertInStatus('TERMINATED');
    if (this.state.cleanup_completed_at !== null) return;
    this.state.cleanup_completed_at = this.now();
    this.touch();
    this.raise('lablet_session.cleanup_completed', { cleanup_completed_at: this.state.cleanup_completed_at });
  }

  /**
   * The one place a status changes: table check (same status is a no-op), effects, history, the
   * status event, and the capacity-released fact when this move ends the capacity hold.
   */
  private transitionTo(
    to: LabletSessionStatus,
    reason: string,
    actor: string | null = null,
    effects?: () => void,
  ): boolean {
    const from = this.state.status;
    const heldCapacity = this.holdsCapacity;
    if (!applyTransition(LABLET_SESSION_MACHINE, this.state, to, { at: this.now(), reason, actor }))
      return false;
    effects?.();
    this.raise(LABLET_SESSION_STATUS_EVENTS[to], {
      from,
      to,
      reason,
      worker_id: this.state.worker_id,
      lab_record_id: this.state.lab_record_id,
    });
    if (heldCapacity && !this.holdsCapacity && this.state.worker_id !== null) {
      this.raise('lablet_session.capacity_released', { worker_id: this.state.worker_id, on_status: to });
    }
    return true;
  }

  private closeRun(): void {
    const ended = this.now();
    this.state.ended_at = ended;
    this.state.duration_seconds = this.state.started_at
      ? Math.max(0, (Date.parse(ended) - Date.parse(this.state.started_at)) / 1000)
      : null;
  }

  private setDesiredStatus(desired: SessionDesiredStatus): void {
    const from = this.state.desired_status;
    if (from === desired) return;
    this.state.desired_status = desired;
    this.raise('lablet_session.desired_status_updated', { from, to: desired });
  }

  private ownUserSession(userSession: UserSession | null | undefined): UserSession | null {
    if (!userSession) return null;
    this.assertOwnChild('UserSession', userSession.id, userSession.labletSessionId);
    return userSession;
  }

  private assertOwnChild(kind: string, childId: string, childSessionId: string): void {
    if (childSessionId !== this.id) throw new ChildMismatchError(this.id, kind, childId);
  }

  private assertCurrentGrading(gradingSession: GradingSession): void {
    this.assertOwnChild('GradingSession', gradingSession.id, gradingSession.labletSessionId);
    if (this.state.grading_session_id !== gradingSession.id)
      throw new ChildMismatchError(this.id, 'current GradingSession', gradingSession.id);
  }

  /** Facts that are not transitions still need the session in the right status; the error names both. */
  private assertInStatus(required: LabletSessionStatus): void {
    if (this.state.status !== required)
      throw new InvalidTransitionError('SESSION', this.id, this.state.status, required);
  }
}

function assertWithinMaxDuration(start: number, end: number, maxMinutes: number): void {
  if (end - start > maxMinutes * 60_000)
    throw new InvalidTimeslotError(`a timeslot may last at most ${maxMinutes} minutes`, {
      max_duration_minutes: maxMinutes,
    });
}
