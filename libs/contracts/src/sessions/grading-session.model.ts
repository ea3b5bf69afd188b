import { z } from 'zod';
import { DocumentBase, DocumentId } from '../shared/document';
import { GradingStatus } from '../shared/enums';
import { DeviceAccessInfo, IsoDateTime } from '../shared/value-objects';

/** Device output collected during COLLECTING and kept as evidence for a later regrade (decision 17, 21). */
export const EvidenceItem = z.object({
  node_label: z.string().min(1),
  kind: z.enum(['running_config', 'command_output', 'screenshot', 'packet_capture']),
  content: z.string(),
  collected_at: IsoDateTime,
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** The GradingEngine session of a LabletSession (spec §3.3). `grading_session_id` is the engine's own id. */
export const GradingSession = DocumentBase.extend({
  lablet_session_id: DocumentId,
  grading_session_id: z.string().min(1),
  grading_part_id: z.string().min(1).nullable(),
  pod_id: z.string().min(1).nullable(),
  status: GradingStatus,
  error_message: z.string().nullable(),
  form_qualified_name: z.string().min(1),
  grading_rules_uri: z.string().min(1).nullable(),
  devices: z.array(DeviceAccessInfo),
  evidence: z.array(EvidenceItem),
  started_at: IsoDateTime.nullable(),
  completed_at: IsoDateTime.nullable(),
});
export type GradingSession = z.infer<typeof GradingSession>;
