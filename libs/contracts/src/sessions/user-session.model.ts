import { z } from 'zod';
import { DocumentBase, DocumentId } from '../shared/document';
import { UserSessionStatus } from '../shared/enums';
import { DeviceAccessInfo, IsoDateTime } from '../shared/value-objects';

/** The candidate's LDS session, child of a LabletSession (spec §3.3, ADR-021). */
export const UserSession = DocumentBase.extend({
  lablet_session_id: DocumentId,
  lds_session_id: z.string().min(1),
  lds_part_id: z.string().min(1).nullable(),
  /** Signed LDS launch link; null while PROVISIONING. */
  login_url: z.url().nullable(),
  devices: z.array(DeviceAccessInfo),
  form_qualified_name: z.string().min(1).nullable(),
  status: UserSessionStatus,
  started_at: IsoDateTime.nullable(),
  ended_at: IsoDateTime.nullable(),
  error_message: z.string().nullable(),
});
export type UserSession = z.infer<typeof UserSession>;
