import { z } from 'zod';
import { Condition } from '../shared/condition';
import { DocumentBase, DocumentId } from '../shared/document';
import {
  ExpiryReason,
  GradeResult,
  LabletSessionStatus,
  PipelineStepStatus,
  SessionDesiredStatus,
} from '../shared/enums';
import { IsoDateTime, PortMap, StatusHistoryEntry } from '../shared/value-objects';

export const PipelineStepProgress = z.object({
  status: PipelineStepStatus,
  result_data: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});
export type PipelineStepProgress = z.infer<typeof PipelineStepProgress>;

/** pipeline name → step name → progress; lets a restarted lablet-controller resume at the first unfinished step. */
export const PipelineProgress = z.record(z.string(), z.record(z.string(), PipelineStepProgress));
export type PipelineProgress = z.infer<typeof PipelineProgress>;

/** LabletSession aggregate root (spec §3.2). Fields set after create are null until their transition. */
export const LabletSession = DocumentBase.extend({
  definition_id: DocumentId,
  definition_version: z.string().min(1),
  definition_name: z.string().min(1),
  owner: z.string().min(1),
  reservation_id: z.string().min(1).nullable(),
  /** null = as soon as possible (placed without waiting for a lead window). */
  timeslot_start: IsoDateTime.nullable(),
  timeslot_end: IsoDateTime,
  status: LabletSessionStatus,
  status_history: z.array(StatusHistoryEntry),
  desired_status: SessionDesiredStatus,
  worker_id: DocumentId.nullable(),
  scheduled_at: IsoDateTime.nullable(),
  allocated_ports: PortMap,
  lab_record_id: DocumentId.nullable(),
  cml_lab_id: z.string().min(1).nullable(),
  started_at: IsoDateTime.nullable(),
  ended_at: IsoDateTime.nullable(),
  duration_seconds: z.number().nonnegative().nullable(),
  user_session_id: DocumentId.nullable(),
  grading_session_id: DocumentId.nullable(),
  score_report_id: DocumentId.nullable(),
  grade_result: GradeResult.nullable(),
  retry_count: z.number().int().nonnegative(),
  expiry_reason: ExpiryReason.nullable(),
  terminated_at: IsoDateTime.nullable(),
  terminated_by: z.string().nullable(),
  termination_reason: z.string().nullable(),
  cleanup_completed_at: IsoDateTime.nullable(),
  pipeline_progress: PipelineProgress,
  conditions: z.array(Condition),
});
export type LabletSession = z.infer<typeof LabletSession>;
