import { type Condition, type ConditionStatus, type WorkerConditionType } from '@lcm/contracts';
import { type CmlWorkerState } from '@lcm/domain';

const pascal = (text: string): string =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

/** The worker-controller polls every poll interval (spec §7.2); two missed polls make the figures stale. */
const STALE_AFTER_POLLS = 2;
const DEFAULT_POLL_INTERVAL_SECONDS = 300;

/**
 * Conditions of a worker (CODE-EXAMPLES practice 8) from what the worker-controller last reported:
 * whether EC2 runs the instance, whether CML answers as AVAILABLE and whether it is licensed — the
 * three reasons a RUNNING worker may still take no sessions — and, while it runs, whether those
 * reports are recent. A TERMINATED worker has none.
 */
export function workerConditions(state: CmlWorkerState, now: Date): Condition[] {
  if (state.status === 'TERMINATED') return [];
  const observedAt = state.metrics.last_synced_at ?? state.updated_at;
  const condition = (
    type: WorkerConditionType,
    status: ConditionStatus,
    reason: string,
    message: string,
    at: string,
  ): Condition => ({
    type,
    status,
    reason,
    message,
    last_transition_time: at,
    observed_generation: state.version,
  });

  const ec2 = state.ec2_instance_state_detail;
  const ec2Checked = state.ec2_last_checked_at ?? state.updated_at;
  const license = state.license.status;
  const conditions = [
    ec2 === null
      ? condition(
          'Ec2Running',
          'Unknown',
          'NotObservedYet',
          'the worker-controller has not described the instance yet',
          ec2Checked,
        )
      : condition(
          'Ec2Running',
          ec2 === 'running' ? 'True' : 'False',
          `Instance${pascal(ec2)}`,
          `EC2 reports ${ec2}`,
          ec2Checked,
        ),
    condition(
      'CmlReady',
      state.service_status === 'AVAILABLE' ? 'True' : 'False',
      `Cml${pascal(state.service_status)}`,
      state.https_endpoint
        ? `CML at ${state.https_endpoint} is ${state.service_status}`
        : `CML is ${state.service_status}`,
      observedAt,
    ),
    license === null
      ? condition('Licensed', 'Unknown', 'NotObservedYet', 'the licence has not been read yet', observedAt)
      : condition(
          'Licensed',
          license === 'REGISTERED' || license === 'EVALUATION' ? 'True' : 'False',
          pascal(license),
          `CML licence is ${license}`,
          observedAt,
        ),
  ];
  if (state.status === 'RUNNING' || state.status === 'DRAINING')
    conditions.push(metricsFreshness(state, now, condition));
  return conditions;
}

function metricsFreshness(
  state: CmlWorkerState,
  now: Date,
  condition: (
    type: WorkerConditionType,
    status: ConditionStatus,
    reason: string,
    message: string,
    at: string,
  ) => Condition,
): Condition {
  const synced = state.metrics.last_synced_at;
  if (synced === null)
    return condition('MetricsFresh', 'Unknown', 'NotCollectedYet', 'no metrics report yet', state.updated_at);
  const interval = state.cloudwatch.poll_interval_seconds ?? DEFAULT_POLL_INTERVAL_SECONDS;
  const ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(synced)) / 1000));
  return ageSeconds <= STALE_AFTER_POLLS * interval
    ? condition('MetricsFresh', 'True', 'Recent', `collected ${ageSeconds} s ago`, synced)
    : condition(
        'MetricsFresh',
        'False',
        'Stale',
        `last collected ${ageSeconds} s ago (poll every ${interval} s)`,
        synced,
      );
}
