import { z } from 'zod';
import { defineRoute } from '../http/route';
import { DocumentId } from '../shared/document';
import { IsoDateTime } from '../shared/value-objects';
import { PlacementRejectionCategory } from '../system/system.contract';

/**
 * The resource-scheduler's report of a PENDING session no enabled template can ever fit
 * (spec §7.1, issue 9: "flagged unschedulable … SSE through the control plane"). The control plane
 * passes it to every dashboard as the `lablet_session.unschedulable` SSE event.
 */
export const SessionUnschedulableReport = z
  .object({
    lablet_session_id: DocumentId,
    definition_id: DocumentId,
    /** Why nothing fits, in the scheduler's words. */
    reason: z.string().min(1).max(4096),
    /** Workers rejected per filter category in the pass that flagged it. */
    rejections: z.partialRecord(PlacementRejectionCategory, z.number().int().nonnegative()),
    flagged_at: IsoDateTime,
  })
  .strict();
export type SessionUnschedulableReport = z.infer<typeof SessionUnschedulableReport>;

export const SessionUnschedulableAccepted = z.object({
  lablet_session_id: DocumentId,
  published: z.boolean(),
});
export type SessionUnschedulableAccepted = z.infer<typeof SessionUnschedulableAccepted>;

/** Internal routes of the scheduler views (the public ones are `/api/v1/scheduler/*`). */
export const schedulerInternalContract = {
  reportUnschedulable: defineRoute({
    method: 'POST',
    path: '/api/internal/scheduler/unschedulable',
    body: SessionUnschedulableReport,
    responses: { 202: SessionUnschedulableAccepted },
    summary: 'Report a PENDING session no template can ever fit; dashboards get it as an SSE event',
    auth: 'internal',
  }),
};
