import {
  ExpiryReason,
  GradeResult,
  IsoDateTime,
  LabletSessionStatus,
  PortMap,
  SessionDesiredStatus,
  StatusHistoryEntry,
} from '@lcm/contracts';
import { z } from 'zod';
import { SESSION_STATUSES_WITH_WORKER } from './lablet-session.status-traits';

export const PipelineStepProgress = z.object({
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
  result_data: z.record(z.string(), z.unknown()).nullable().default(null),
  error: z.string().nullable().default(null),
  updated_at: IsoDateTime,
});
export type PipelineStepProgress = z.infer<typeof PipelineStepProgress>;

const nullableDate = IsoDateTime.nullable().default(null);
const nullableString = z.string().nullable().default(null);

/** Persisted shape of a LabletSession (spec §3.2). */
export const LabletSessionState = z
  .object({
    id: z.string().min(1),
    version: z.number().int().nonnegative(),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    definition_id: z.string().min(1),
    definition_version: z.string().min(1),
    definition_name: z.string().min(1),
    owner: z.string().min(1),
    reservation_id: nullableString,
    timeslot_start: IsoDateTime,
    timeslot_end: IsoDateTime,
    status: LabletSessionStatus,
    status_history: z.array(StatusHistoryEntry).default([]),
    worker_id: nullableString,
    scheduled_at: nullableDate,
    allocated_ports: PortMap.default({}),
    lab_record_id: nullableString,
    cml_lab_id: nullableString,
    started_at: nullableDate,
    ended_at: nullableDate,
    duration_seconds: z.number().nonnegative().nullable().default(null),
    user_session_id: nullableString,
    grading_session_id: nullableString,
    score_report_id: nullableString,
    grade_result: GradeResult.nullable().default(null),
    /** Decision 21: the last grading failure, kept while the session holds in GRADING and after. */
    grading_error: nullableString,
    grading_faulted_at: nullableDate,
    retry_count: z.number().int().nonnegative().default(0),
    expiry_reason: ExpiryReason.nullable().default(null),
    terminated_at: nullableDate,
    terminated_by: nullableString,
    termination_reason: nullableString,
    cleanup_completed_at: nullableDate,
    desired_status: SessionDesiredStatus.default('running'),
    pipeline_progress: z.record(z.string(), z.record(z.string(), PipelineStepProgress)).default({}),
  })
  .superRefine((state, ctx) => {
    if (SESSION_STATUSES_WITH_WORKER.includes(state.status) && state.worker_id === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['worker_id'],
        message: `a ${state.status} session must have a worker`,
      });
    }
  });
export type LabletSessionState = z.infer<typeof LabletSessionState>;
export type LabletSessionStateInput = z.input<typeof LabletSessionState>;
