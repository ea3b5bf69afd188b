import { performance } from 'node:perf_hooks';
import { type PipelineStepProgress } from '@lcm/contracts';
import { isConflictError, isUnavailableError } from '@lcm/cpa-client';
import { isNotFound } from '@lcm/integrations/http';
import { done, failed, type ReconcileResult, requeueAfter } from '@lcm/reconciler-runtime';
import { teardownLab, withReportedImport } from '../../labs/lab-operations';
import {
  loadDefinition,
  loadWorker,
  type SessionStep,
  timeslotOver,
  transitionSession,
} from '../session-step';
import { deviceAccessStep } from './device-access.step';
import {
  type InstantiationContext,
  type InstantiationStep,
  noteStep,
  progressOf,
  recordStep,
  type StepOutcome,
} from './instantiation-step';
import { labBindingStep } from './lab-binding.step';
import { labImportStep } from './lab-import.step';
import { labResolveStep } from './lab-resolve.step';
import { labStartStep } from './lab-start.step';
import { ldsProvisionStep } from './lds-provision.step';
import { markReadyStep } from './mark-ready.step';

/** Spec §7.3 INSTANTIATING (a)–(f), in order; each is skipped once recorded as done. */
export const INSTANTIATION_STEPS: readonly InstantiationStep[] = [
  labResolveStep,
  labImportStep,
  labBindingStep,
  labStartStep,
  deviceAccessStep,
  ldsProvisionStep,
  markReadyStep,
];

/** ADR-008: a draining worker gets at most this many attempts per step. */
const DRAINING_WORKER_MAX_ATTEMPTS = 3;

const attemptsIn = (progress: PipelineStepProgress | undefined): number =>
  Number(progress?.result_data?.['attempts'] ?? 0);

function attemptLimit(context: InstantiationContext): number {
  const configured =
    context.definition.pipelines['instantiate']?.max_retries ?? context.settings.maxInstantiationAttempts;
  const limit = Math.max(1, configured);
  return context.worker.status === 'DRAINING' ? Math.min(limit, DRAINING_WORKER_MAX_ATTEMPTS) : limit;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * INSTANTIATING: runs the sub-steps from the first unfinished one. Each finished step is recorded in
 * pipeline_progress by the next write to the session (the lab binding, the LDS session's id, a
 * failure, mark-ready), not by one of its own: a step between two writes is safe to repeat (the
 * import is found again by its registered record and CML title), so a controller killed anywhere
 * resumes at the first step it cannot prove done and never imports twice.
 * A failing step is retried with backoff; once its attempts are spent the session's lab is cleaned
 * up and the session terminated with a reason naming the step.
 */
export const instantiatingStep: SessionStep = async (base) => {
  if (timeslotOver(base)) {
    await base.cpa.sessions.expire({
      params: { lablet_session_id: base.session.id },
      body: { reason: 'no_show' },
    });
    return done();
  }
  const [worker, definition] = await Promise.all([loadWorker(base), loadDefinition(base)]);
  const context: InstantiationContext = {
    ...base,
    definition,
    worker,
    cml: base.systems.cml(worker),
    unrecorded: [],
  };
  const limit = attemptLimit(context);
  const spent = INSTANTIATION_STEPS.find((step) => attemptsIn(progressOf(context, step.name)) >= limit);
  if (spent) return giveUp(context, spent);
  const settling: Settling = new Map();
  try {
    return await runSteps(context, limit, settling);
  } finally {
    // A write still in flight when a later step failed or waits ends with the reconcile.
    await Promise.allSettled(settling.values());
  }
};

/** Steps whose write is still in flight, each with the result it is noted with once the write is done. */
type Settling = Map<InstantiationStep, Promise<Record<string, unknown> | undefined>>;

async function runSteps(
  context: InstantiationContext,
  limit: number,
  settling: Settling,
): Promise<ReconcileResult> {
  for (const step of INSTANTIATION_STEPS) {
    if (step === markReadyStep) {
      const failure = await settle(context, settling, limit);
      if (failure) return failure;
    }
    const status = progressOf(context, step.name)?.status;
    if (status === 'completed' || status === 'skipped') continue;
    let outcome: StepOutcome;
    const startedAt = performance.now();
    try {
      outcome = await step.run(context);
    } catch (error) {
      return stepFailed(context, step, error, limit);
    }
    context.log.debug(
      { step: step.name, outcome: outcome.kind, ms: Math.round(performance.now() - startedAt) },
      'instantiation step ran',
    );
    if (outcome.kind === 'wait') return requeueAfter(outcome.afterMs, outcome.reason);
    if (step === markReadyStep) break;
    if (outcome.kind === 'completed' && outcome.settling) {
      const { data } = outcome;
      const pending = outcome.settling.then(() => data);
      // Handled when settled; a rejection before then must not count as unhandled.
      pending.catch(() => undefined);
      settling.set(step, pending);
    } else noteStep(context, step.name, outcome.kind, outcome.data ? { data: outcome.data } : {});
  }
  return done();
}

/**
 * Waits for the writes steps left in flight, noting each step once its write is done (so a failed
 * one is repeated by the rerun), and gives the failure of the first that failed.
 */
async function settle(
  context: InstantiationContext,
  settling: Settling,
  limit: number,
): Promise<ReconcileResult | null> {
  for (const [step, write] of settling) {
    let data: Record<string, unknown> | undefined;
    try {
      data = await write;
    } catch (error) {
      return stepFailed(context, step, error, limit);
    }
    noteStep(context, step.name, 'completed', data ? { data } : {});
  }
  settling.clear();
  return null;
}

async function stepFailed(
  context: InstantiationContext,
  step: InstantiationStep,
  error: unknown,
  limit: number,
): Promise<ReconcileResult> {
  // An unreachable control plane, or a write that lost a race with another writer of the session,
  // is not the step's fault: back off (the rerun re-reads) without spending an attempt.
  if (isUnavailableError(error) || (isConflictError(error) && error.isVersionConflict)) return failed(error);
  const attempts = attemptsIn(progressOf(context, step.name)) + 1;
  context.log.warn({ step: step.name, attempts, limit, err: error }, 'instantiation step failed');
  // The control plane keeps what the step recorded before (an LDS session's id) beside this entry:
  // this reconcile's copy of the session may lack a record whose answer was lost.
  await recordStep(context, step.name, 'failed', { data: { attempts }, error: describe(error) });
  if (attempts >= limit) return giveUp(context, step);
  return failed(error);
}

/** Retries spent: an imported lab is stopped, wiped and deleted, a reused one stopped and wiped; then TERMINATED. */
async function giveUp(context: InstantiationContext, step: InstantiationStep): Promise<ReconcileResult> {
  const resolved = progressOf(context, 'lab_resolve')?.result_data;
  const labRecordId = context.session.lab_record_id ?? (resolved?.['lab_record_id'] as string | undefined);
  if (labRecordId) {
    const record = await withReportedImport(
      context,
      context.cml,
      await context.cpa.labs.get({ params: { lab_record_id: labRecordId } }),
    );
    if (record.status !== 'DELETED') {
      const progress = await teardownLab(
        context,
        context.cml,
        record,
        resolved?.['mode'] === 'import' ? 'DELETED' : 'WIPED',
      );
      if (progress === 'waiting')
        return requeueAfter(
          context.settings.labPollIntervalMs,
          'cleaning up the lab of a failed instantiation',
        );
    }
  }
  await releaseLdsSession(context);
  const failure = progressOf(context, step.name);
  const reason = `instantiation step ${step.name} failed after ${String(failure?.result_data?.['attempts'] ?? '?')} attempts: ${failure?.error ?? 'unknown error'}`;
  await transitionSession(context, 'TERMINATED', reason.slice(0, 1000));
  return done();
}

/** An LDS session created before the failure is archived now: no user session records it for the cleanup. */
async function releaseLdsSession(context: InstantiationContext): Promise<void> {
  const progress = progressOf(context, 'lds_provision')?.result_data;
  const ldsSessionId = progress?.['lds_session_id'] as string | undefined;
  if (!ldsSessionId) return;
  try {
    await context.systems.lds
      .forRegion(progress?.['region'] as string | undefined)
      .client.releaseSession(ldsSessionId);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
