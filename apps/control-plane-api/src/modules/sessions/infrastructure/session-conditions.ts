import {
  type Condition,
  type ConditionStatus,
  type LabletSessionStatus,
  type SessionConditionType,
} from '@lcm/contracts';
import {
  type LabletSessionState,
  SESSION_STATUS_TRAITS,
  SESSION_STATUSES_WITH_LAB_UP,
  SESSION_STATUSES_WITH_WORKER,
} from '@lcm/domain';

/** From placement until the lab comes down: its lab is awaited, being brought up, or up. */
const LAB_PHASE: readonly LabletSessionStatus[] = SESSION_STATUSES_WITH_WORKER.filter(
  (status) => SESSION_STATUS_TRAITS[status].beforeReady || SESSION_STATUS_TRAITS[status].labUp,
);
/** The part of the lab phase in which the candidate's LDS login is being made or in use. */
const CANDIDATE_PHASE: readonly LabletSessionStatus[] = LAB_PHASE.filter((status) => status !== 'SCHEDULED');

/** When the session last entered `status`, from its history; the last change otherwise. */
function enteredAt(state: LabletSessionState, status: LabletSessionStatus): string {
  return state.status_history.findLast((entry) => entry.to === status)?.at ?? state.updated_at;
}

/** The most recent failed step the lablet-controller reported for a pipeline, if any. */
function failedStep(state: LabletSessionState, pipeline: string) {
  const steps = Object.entries(state.pipeline_progress[pipeline] ?? {});
  return steps
    .filter(([, progress]) => progress.status === 'failed')
    .sort(([, a], [, b]) => a.updated_at.localeCompare(b.updated_at))
    .at(-1);
}

/**
 * Conditions of a session (CODE-EXAMPLES practice 8), derived from what is committed, so the
 * dashboard can say why a session is not moving: not placed yet, which instantiation step failed,
 * whether the candidate's login link exists, grading faults, cleanup. Each condition's time is the
 * time of the fact it reports, so it only moves when that fact changes.
 */
export function sessionConditions(state: LabletSessionState): Condition[] {
  const conditions: Condition[] = [];
  const add = (
    type: SessionConditionType,
    status: ConditionStatus,
    reason: string,
    message: string,
    at: string,
  ) =>
    conditions.push({
      type,
      status,
      reason,
      message,
      last_transition_time: at,
      observed_generation: state.version,
    });

  if (state.worker_id !== null)
    add(
      'Placed',
      'True',
      'WorkerAssigned',
      `on worker ${state.worker_id}`,
      state.scheduled_at ?? enteredAt(state, 'SCHEDULED'),
    );
  else if (state.status === 'PENDING')
    add(
      'Placed',
      'False',
      'AwaitingPlacement',
      'waiting for a worker with room; placement starts within the lead window',
      state.created_at,
    );
  else
    add(
      'Placed',
      'False',
      'NeverPlaced',
      `the session became ${state.status} before it was placed`,
      state.updated_at,
    );

  if (LAB_PHASE.includes(state.status)) {
    const failure = state.status === 'INSTANTIATING' ? failedStep(state, 'instantiate') : undefined;
    if (SESSION_STATUSES_WITH_LAB_UP.includes(state.status))
      add(
        'LabReady',
        'True',
        'LabBooted',
        `CML lab ${state.cml_lab_id ?? 'unknown'} is up`,
        enteredAt(state, 'READY'),
      );
    else if (failure)
      add(
        'LabReady',
        'False',
        'StepFailed',
        `${failure[0]}: ${failure[1].error ?? 'failed'}`,
        failure[1].updated_at,
      );
    else if (state.status === 'INSTANTIATING')
      add(
        'LabReady',
        'False',
        'Instantiating',
        'the lab is being imported or started',
        enteredAt(state, 'INSTANTIATING'),
      );
    else
      add(
        'LabReady',
        'False',
        'AwaitingInstantiation',
        'instantiation starts at the instantiation lead time',
        enteredAt(state, 'SCHEDULED'),
      );
  }

  if (CANDIDATE_PHASE.includes(state.status)) {
    if (state.user_session_id !== null)
      add(
        'LdsProvisioned',
        'True',
        'LoginLinkIssued',
        `LDS user session ${state.user_session_id}`,
        enteredAt(state, 'READY'),
      );
    else
      add(
        'LdsProvisioned',
        'False',
        'Provisioning',
        'the LDS session and login link are not there yet',
        enteredAt(state, state.status),
      );
  }

  if (state.status === 'GRADING' && state.grading_error !== null)
    add(
      'GradingSubmitted',
      'False',
      'GradingFaulted',
      state.grading_error,
      state.grading_faulted_at ?? state.updated_at,
    );
  else if (state.grading_session_id !== null)
    add(
      'GradingSubmitted',
      'True',
      'SubmittedToGradingEngine',
      `grading session ${state.grading_session_id}`,
      enteredAt(state, 'GRADING'),
    );
  else if (state.status === 'COLLECTING')
    add(
      'GradingSubmitted',
      'False',
      'CollectingEvidence',
      'device configurations are being collected',
      enteredAt(state, 'COLLECTING'),
    );

  if (state.status === 'TERMINATED') {
    if (state.cleanup_completed_at !== null)
      add(
        'CleanedUp',
        'True',
        'CleanupCompleted',
        'LDS session archived and lab cleaned',
        state.cleanup_completed_at,
      );
    else
      add(
        'CleanedUp',
        'False',
        'CleanupPending',
        'the lablet-controller has not finished cleaning up',
        enteredAt(state, 'TERMINATED'),
      );
  }
  return conditions;
}
