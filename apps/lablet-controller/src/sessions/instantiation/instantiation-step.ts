import {
  type CmlWorker,
  type LabletDefinition,
  type LabletSession,
  type PipelineStepProgress,
  type PipelineStepRecord,
  type PipelineStepStatus,
} from '@lcm/contracts';
import { type CmlPort } from '@lcm/integrations/cml';
import { sessionParams, type SessionStepContext } from '../session-step';

/** The pipeline name in `pipeline_progress` (spec §3.2). */
export const INSTANTIATE_PIPELINE = 'instantiate';

export type InstantiationStepName =
  | 'lab_resolve'
  | 'lab_import'
  | 'lab_binding'
  | 'lab_start'
  | 'device_access'
  | 'lds_provision'
  | 'mark_ready';

export type StepOutcome =
  | {
      kind: 'completed';
      data?: Record<string, unknown>;
      /**
       * A write to another record the step left in flight: the next steps go on meanwhile, and the
       * step counts as done (noted for the session's next write) only once it succeeded, at the
       * latest before mark-ready.
       */
      settling?: Promise<unknown>;
    }
  | { kind: 'skipped'; data?: Record<string, unknown> }
  | { kind: 'wait'; afterMs: number; reason: string };

/** One reconcile of an INSTANTIATING session, with what every sub-step reads. */
export interface InstantiationContext extends SessionStepContext {
  definition: LabletDefinition;
  worker: CmlWorker;
  cml: CmlPort;
  /**
   * Steps finished in this reconcile that no write has recorded yet: the next write to the session
   * carries them. Only a step a rerun could not repeat harmlessly needs a write of its own (spec
   * §7.3; lablet-controller README § Sessions).
   */
  unrecorded: PipelineStepRecord[];
}

export interface InstantiationStep {
  readonly name: InstantiationStepName;
  run(context: InstantiationContext): Promise<StepOutcome>;
}

export const progressOf = (
  context: SessionStepContext,
  step: InstantiationStepName,
): PipelineStepProgress | undefined => context.session.pipeline_progress[INSTANTIATE_PIPELINE]?.[step];

/** A value a finished step left in its result, or an error naming the step that should have. */
export function resultOf<T>(context: SessionStepContext, step: InstantiationStepName, field: string): T {
  const value = progressOf(context, step)?.result_data?.[field];
  if (value === undefined) throw new Error(`instantiation step ${step} left no ${field}`);
  return value as T;
}

interface StepDetails {
  data?: Record<string, unknown>;
  error?: string;
}

const stepRecord = (
  step: InstantiationStepName,
  status: PipelineStepStatus,
  details: StepDetails,
): PipelineStepRecord => ({
  pipeline: INSTANTIATE_PIPELINE,
  step,
  status,
  ...(details.data ? { result_data: details.data } : {}),
  ...(details.error ? { error: details.error } : {}),
});

const sameProgress = (recorded: PipelineStepProgress | undefined, record: PipelineStepRecord): boolean =>
  recorded?.status === record.status &&
  (recorded.error ?? undefined) === record.error &&
  JSON.stringify(recorded.result_data ?? undefined) === JSON.stringify(record.result_data);

/**
 * Notes a step's state on the context's session for the later steps of this reconcile and queues
 * it for the next write. A step noted as the session already has it (recorded by the step's own
 * write, or queued) adds nothing.
 */
export function noteStep(
  context: InstantiationContext,
  step: InstantiationStepName,
  status: PipelineStepStatus,
  details: StepDetails = {},
): void {
  const record = stepRecord(step, status, details);
  if (sameProgress(progressOf(context, step), record)) return;
  const { session } = context;
  context.session = {
    ...session,
    pipeline_progress: {
      ...session.pipeline_progress,
      [INSTANTIATE_PIPELINE]: {
        ...session.pipeline_progress[INSTANTIATE_PIPELINE],
        [step]: { status, result_data: record.result_data ?? null, error: record.error ?? null },
      },
    },
  };
  context.unrecorded = [...context.unrecorded.filter((queued) => queued.step !== step), record];
}

/**
 * Makes a write to the session that carries the queued steps, and `own` (the writing step's result,
 * when the write itself completes the step); its answer, the session with them recorded, replaces
 * the context's. They stay queued when the write fails.
 */
export async function writeCarryingProgress(
  context: InstantiationContext,
  write: (progress: { progress?: PipelineStepRecord[] }) => Promise<LabletSession>,
  own?: { step: InstantiationStepName; data: Record<string, unknown> },
): Promise<void> {
  const queued = context.unrecorded;
  const carried = own ? [...queued, stepRecord(own.step, 'completed', { data: own.data })] : queued;
  context.session = await write(carried.length > 0 ? { progress: carried } : {});
  context.unrecorded = context.unrecorded.filter((entry) => !queued.includes(entry));
}

/**
 * Records one step's state on the session now (the control plane keeps it; AR-2), with the queued
 * steps before it: for a step whose rerun would repeat an outside action, or a failure.
 */
export async function recordStep(
  context: InstantiationContext,
  step: InstantiationStepName,
  status: PipelineStepStatus,
  details: StepDetails = {},
): Promise<void> {
  context.unrecorded = context.unrecorded.filter((queued) => queued.step !== step);
  await writeCarryingProgress(context, (progress) =>
    context.cpa.sessions.updatePipelineProgress({
      params: sessionParams(context.session),
      body: { ...stepRecord(step, status, details), ...progress },
    }),
  );
}
