import { z } from 'zod';
import { defineRoute } from '../http/route';
import { ADMIN_ROLES } from '../http/roles';
import { DocumentId } from '../shared/document';
import { AggregateType } from '../shared/enums';
import { ListQuery, Page } from '../shared/pagination';
import { IsoDateTime } from '../shared/value-objects';

/** One append-only audit record: every state change and every operator action (decision 15). */
export const AuditEntry = z.object({
  id: DocumentId,
  at: IsoDateTime,
  /** User name, or the controller name for internal calls. */
  actor: z.string().min(1),
  action: z.string().min(1),
  target_type: AggregateType,
  target_id: z.string().min(1),
  before_status: z.string().nullable(),
  after_status: z.string().nullable(),
  correlation_id: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const ListAuditQuery = ListQuery({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  target_type: AggregateType.optional(),
  target_id: z.string().min(1).optional(),
  correlation_id: z.string().min(1).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;

export const auditContract = {
  listAuditEntries: defineRoute({
    method: 'GET',
    path: '/api/v1/audit',
    query: ListAuditQuery,
    responses: { 200: Page(AuditEntry) },
    summary: 'Read the audit log, newest first',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
};
