import { z } from 'zod';
import { IsoDateTime } from './value-objects';

/**
 * Observed condition next to the lifecycle status (CODE-EXAMPLES practice 8), so the dashboard can
 * show why a session or worker is stuck. Only a real change of `status` moves `last_transition_time`.
 */
export const ConditionStatus = z.enum(['True', 'False', 'Unknown']);
export type ConditionStatus = z.infer<typeof ConditionStatus>;

const PascalCase = z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be PascalCase');

export const Condition = z.object({
  type: PascalCase,
  status: ConditionStatus,
  reason: PascalCase,
  message: z.string(),
  last_transition_time: IsoDateTime,
  /** The document `version` the condition was computed from. */
  observed_generation: z.number().int().nonnegative(),
});
export type Condition = z.infer<typeof Condition>;

export const SessionConditionType = z.enum([
  'Placed',
  'LabReady',
  'LdsProvisioned',
  'GradingSubmitted',
  'CleanedUp',
]);
export type SessionConditionType = z.infer<typeof SessionConditionType>;

export const WorkerConditionType = z.enum(['Ec2Running', 'CmlReady', 'Licensed', 'MetricsFresh', 'Idle']);
export type WorkerConditionType = z.infer<typeof WorkerConditionType>;
