import { type CmlWorker, type LabletDefinition, type PipelineStepProgress, type PipelineStepStatus } from '@lcm/contracts';
import { type CmlPort } from '@lcm/integrations/cml';
import { sessionParams, type SessionStepContext } from '../session-step';

/** The pipeline name in `pipeline_progress` (spec §3.2). */
export const INSTANTIATE_PIPELINE = 'instantiate';

export type InstantiationStepName = 'lab_resolve' | 'lab_import' | 'lab_binding' | 'lab_start' | 'device_access' | 'lds_provision' | 'mark_ready';

export type StepOutcome =
  | { kind: 'completed'; data?: Record<string, unknown> }
  | { kind: 'skipped'; data?: Record<string, unknown> }
  | { kind: 'wait'; afterMs: number; reason: string };

/** One reconcile of an INSTANTIATING session, with what every sub-step reads. */
export interface InstantiationContext extends SessionStepContext {
  definition: LabletDefinition;
  worker: CmlWorker;
  cml: CmlPort;
}

export interface InstantiationStep {
  readonly name: InstantiationStepName;
  run(context: InstantiationContext): Promise<StepOutcome>;
}

export const progressOf = (context: SessionStepContext, step: InstantiationStepName): PipelineStepProgress | undefined =>
  context.session.pipeline_progress[INSTANTIATE_PIPELINE]?.[step];

/** A value a finished step left in its result, or an error naming the step that should have. */
export function resultOf<T>(context: SessionStepContext, step: InstantiationStepName, field: string): T {
  const value = progressOf(context, step)?.result_data?.[field];
  if (value === undefined) throw new Error(`instantiation step ${step} left no ${field}`);
  return value as T;
}

/** Records one step's state on the session (the control plane keeps it; AR-2). */
export async function recordStep(
  context: SessionStepContext,
  step: InstantiationStepName,
  status: PipelineStepStatus,
  details: { data?: Record<string, unknown>; error?: string } = {},
): Promise<void> {
  context.session = await context.cpa.sessions.updatePipelineProgress({
    params: sessionParams(context.session),
    body: {
      pipeline: INSTANTIATE_PIPELINE,
      step,
      status,
      ...(details.data ? { result_data: details.data } : {}),
      ...(details.error ? { error: details.error } : {}),
    },
  });
}
