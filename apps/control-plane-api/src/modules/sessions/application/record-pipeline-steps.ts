import { type PipelineStepRecord } from '@lcm/contracts';
import { type LabletSession } from '@lcm/domain';

/** Records each step on the session in order (a later record of the same step wins). */
export function recordPipelineSteps(session: LabletSession, steps: readonly PipelineStepRecord[]): void {
  for (const { pipeline, step, status, result_data, error } of steps)
    session.updatePipelineProgress(pipeline, step, {
      status,
      result_data: result_data ?? null,
      error: error ?? null,
    });
}
