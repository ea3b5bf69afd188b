import { z } from 'zod';
import { ProblemDetails } from '../errors/errors.contract';
import { DocumentId } from '../shared/document';
import { ExpiryReason, LabletSessionStatus, PipelineStepStatus } from '../shared/enums';
import { ListQuery, OneOrMany, queryFlag } from '../shared/pagination';
import { DeviceAccessInfo, Identifier, IsoDateTime, StorableJsonObject } from '../shared/value-objects';
import { GradingSession, EvidenceItem } from './grading-session.model';
import { LabletSession } from './lablet-session.model';
import { ScoreReport } from './score-report.model';
import { UserSession } from './user-session.model';

export const LabletSessionParams = z.object({ lablet_session_id: DocumentId });

const Reason = z.string().min(1).max(1000);
const CmlLabId = z.string().min(1);
const StrictDevices = z.array(DeviceAccessInfo.strict());

/** One pipeline step's state in `pipeline_progress` (spec §3.2). */
export const PipelineStepRecord = z.strictObject({
  pipeline: Identifier,
  step: Identifier,
  status: PipelineStepStatus,
  result_data: StorableJsonObject.optional(),
  error: z.string().optional(),
});
export type PipelineStepRecord = z.infer<typeof PipelineStepRecord>;

/**
 * Steps a write records on the session together with its own change (applied first, in order), so
 * a step that needed no write of its own costs no extra round trip (lablet-controller README § Sessions).
 */
const CarriedProgress = z.array(PipelineStepRecord).max(16).optional();

/** Create a session → PENDING. Omitting `timeslot_start` asks for placement as soon as possible. */
export const CreateSessionBody = LabletSession.pick({
  definition_id: true,
  owner: true,
  reservation_id: true,
  timeslot_start: true,
  timeslot_end: true,
})
  .partial({ reservation_id: true, timeslot_start: true })
  .strict()
  .refine((body) => !body.timeslot_start || Date.parse(body.timeslot_end) > Date.parse(body.timeslot_start), {
    message: 'timeslot_end must be after timeslot_start',
    path: ['timeslot_end'],
  });
export type CreateSessionBody = z.infer<typeof CreateSessionBody>;

/** Guarded manual or controller transition (public and internal `/transition`). */
export const TransitionSessionBody = z.strictObject({
  target_status: LabletSessionStatus,
  reason: Reason.optional(),
});
export type TransitionSessionBody = z.infer<typeof TransitionSessionBody>;

/** Operator extension of a timeslot (spec §3.2): only to a later end, within the definition's maximum. */
export const ExtendTimeslotBody = z.strictObject({ timeslot_end: IsoDateTime, reason: Reason.optional() });
export type ExtendTimeslotBody = z.infer<typeof ExtendTimeslotBody>;

export const ScheduleSessionBody = z.strictObject({ worker_id: DocumentId });
export type ScheduleSessionBody = z.infer<typeof ScheduleSessionBody>;

/** Most placements one batch call may carry; a scheduler pass with more sends several calls. */
export const MAX_BATCH_PLACEMENTS = 500;

/** Many PENDING → SCHEDULED placements; a session may appear once per call. */
export const ScheduleBatchBody = z.strictObject({
  placements: z
    .array(z.strictObject({ session_id: DocumentId, worker_id: DocumentId }))
    .min(1)
    .max(MAX_BATCH_PLACEMENTS)
    .refine((placements) => new Set(placements.map((p) => p.session_id)).size === placements.length, {
      message: 'a session may appear only once',
    }),
});
export type ScheduleBatchBody = z.infer<typeof ScheduleBatchBody>;

/** One answer per placement, in the order asked: the scheduled session, or the problem that refused it. */
export const ScheduleBatchResult = z.object({
  results: z.array(
    z.discriminatedUnion('outcome', [
      z.object({
        session_id: DocumentId,
        worker_id: DocumentId,
        outcome: z.literal('scheduled'),
        session: LabletSession,
      }),
      z.object({
        session_id: DocumentId,
        worker_id: DocumentId,
        outcome: z.literal('refused'),
        problem: ProblemDetails,
      }),
    ]),
  ),
});
export type ScheduleBatchResult = z.infer<typeof ScheduleBatchResult>;

export const ExpireSessionBody = z.strictObject({ reason: ExpiryReason });
export type ExpireSessionBody = z.infer<typeof ExpireSessionBody>;

/**
 * Set by the lablet-controller during INSTANTIATING (decision 2), with the steps that led to it.
 * `imported`: `cml_lab_id` is the lab the record's own import created, so an IMPORTING record
 * learns it and becomes DEFINED in this write instead of a status report of its own.
 */
export const UpdateSessionLabBody = z.strictObject({
  lab_record_id: DocumentId,
  cml_lab_id: CmlLabId,
  imported: z.literal(true).optional(),
  progress: CarriedProgress,
});
export type UpdateSessionLabBody = z.infer<typeof UpdateSessionLabBody>;

/** INSTANTIATING → READY, creating the UserSession with the LDS data in the same write. */
export const MarkReadyBody = UserSession.pick({ lds_session_id: true, lds_part_id: true })
  .partial({ lds_part_id: true })
  .extend({ cml_lab_id: CmlLabId, login_url: z.url(), devices: StrictDevices, progress: CarriedProgress })
  .strict();
export type MarkReadyBody = z.infer<typeof MarkReadyBody>;

/** READY → RUNNING; `started_at` is the LDS event time when the start came from a CloudEvent. */
export const SessionStartedBody = z.strictObject({ started_at: IsoDateTime.optional() });
export type SessionStartedBody = z.infer<typeof SessionStartedBody>;

/** Created PROVISIONED when the login URL is already known, else PROVISIONING. */
export const CreateUserSessionBody = UserSession.pick({
  lds_session_id: true,
  lds_part_id: true,
  form_qualified_name: true,
})
  .partial({ lds_part_id: true, form_qualified_name: true })
  .extend({ login_url: z.url().optional(), devices: StrictDevices })
  .strict();
export type CreateUserSessionBody = z.infer<typeof CreateUserSessionBody>;

/** `occurred_at` is when the change happened outside LCM (fills started_at / ended_at / completed_at). */
const StatusChange = { occurred_at: IsoDateTime.optional() };

export const UpdateUserSessionStatusBody = UserSession.pick({ status: true, error_message: true })
  .partial({ error_message: true })
  .extend(StatusChange)
  .strict();
export type UpdateUserSessionStatusBody = z.infer<typeof UpdateUserSessionStatusBody>;

export const CreateGradingSessionBody = GradingSession.pick({
  grading_session_id: true,
  grading_part_id: true,
  pod_id: true,
  form_qualified_name: true,
  grading_rules_uri: true,
})
  .partial({ grading_part_id: true, pod_id: true, grading_rules_uri: true })
  .extend({ devices: StrictDevices, evidence: z.array(EvidenceItem.strict()).optional() })
  .strict();
export type CreateGradingSessionBody = z.infer<typeof CreateGradingSessionBody>;

export const UpdateGradingStatusBody = GradingSession.pick({ status: true, error_message: true })
  .partial({ error_message: true })
  .extend(StatusChange)
  .strict();
export type UpdateGradingStatusBody = z.infer<typeof UpdateGradingStatusBody>;

/** Stores the score and sets the session's grade_result; the GradingSession is the session's current one. */
export const CreateScoreReportBody = ScoreReport.pick({
  score: true,
  max_score: true,
  cut_score: true,
  passed: true,
  sections: true,
  generation: true,
  revision: true,
  submitted_at: true,
})
  .partial({ cut_score: true, passed: true, generation: true, revision: true, submitted_at: true })
  .strict();
export type CreateScoreReportBody = z.infer<typeof CreateScoreReportBody>;

export const UpdatePipelineProgressBody = PipelineStepRecord.extend({ progress: CarriedProgress }).strict();
export type UpdatePipelineProgressBody = z.infer<typeof UpdatePipelineProgressBody>;

export const ListSessionsQuery = ListQuery({
  status: OneOrMany(LabletSessionStatus).optional(),
  worker_id: DocumentId.optional(),
  definition_id: DocumentId.optional(),
  owner: z.string().min(1).optional(),
  reservation_id: z.string().min(1).optional(),
  timeslot_from: IsoDateTime.optional(),
  timeslot_to: IsoDateTime.optional(),
});
export type ListSessionsQuery = z.infer<typeof ListSessionsQuery>;

export const ListScoreReportsQuery = ListQuery({
  definition_id: DocumentId.optional(),
  owner: z.string().min(1).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  passed: queryFlag(),
});
export type ListScoreReportsQuery = z.infer<typeof ListScoreReportsQuery>;

/** CloudEvent correlation lookups of the lablet-controller. */
export const FindUserSessionsQuery = ListQuery({ lds_session_id: z.string().min(1) });
export type FindUserSessionsQuery = z.infer<typeof FindUserSessionsQuery>;
export const FindGradingSessionsQuery = ListQuery({ grading_session_id: z.string().min(1) });
export type FindGradingSessionsQuery = z.infer<typeof FindGradingSessionsQuery>;
