import { z } from 'zod';
import { DocumentBase, DocumentId } from '../shared/document';
import { LabPendingAction, LabRecordSource, LabRecordStatus } from '../shared/enums';
import {
  ExternalInterface,
  IsoDateTime,
  LabRevision,
  LabRunRecord,
  PortMap,
  RuntimeBinding,
  StatusHistoryEntry,
  TopologySpec,
} from '../shared/value-objects';

export const LabStatusHistoryEntry = StatusHistoryEntry.extend({ changed_fields: z.array(z.string()) });
export type LabStatusHistoryEntry = z.infer<typeof LabStatusHistoryEntry>;

/** A lab that exists, or existed, on a runtime (spec §3.4, ADR-019). */
export const LabRecord = DocumentBase.extend({
  runtime_binding: RuntimeBinding,
  title: z.string(),
  description: z.string().nullable(),
  notes: z.string().nullable(),
  owner_username: z.string().nullable(),
  owner_fullname: z.string().nullable(),
  groups: z.array(z.string()),
  node_count: z.number().int().nonnegative(),
  link_count: z.number().int().nonnegative(),
  status: LabRecordStatus,
  topology_spec: TopologySpec.nullable(),
  external_interfaces: z.array(ExternalInterface),
  revision: z.number().int().min(1),
  revision_history: z.array(LabRevision),
  run_history: z.array(LabRunRecord),
  pending_action: LabPendingAction.nullable(),
  pending_action_at: IsoDateTime.nullable(),
  pending_action_error: z.string().nullable(),
  based_on_definition_id: DocumentId.nullable(),
  active_lablet_session_id: DocumentId.nullable(),
  allocated_ports: PortMap,
  source: LabRecordSource,
  previous_status_before_error: LabRecordStatus.nullable(),
  last_error: z.string().nullable(),
  last_error_at: IsoDateTime.nullable(),
  status_history: z.array(LabStatusHistoryEntry),
  cml_created_at: IsoDateTime.nullable(),
  modified_at: IsoDateTime.nullable(),
  first_seen_at: IsoDateTime,
  last_synced_at: IsoDateTime.nullable(),
});
export type LabRecord = z.infer<typeof LabRecord>;

/** List row: the record without its histories and topology, which the detail routes serve. */
export const LabRecordSummary = LabRecord.omit({
  topology_spec: true,
  revision_history: true,
  run_history: true,
  status_history: true,
});
export type LabRecordSummary = z.infer<typeof LabRecordSummary>;

export const LabTopology = z.object({
  lab_record_id: DocumentId,
  revision: z.number().int().min(1),
  topology_spec: TopologySpec.nullable(),
});
export type LabTopology = z.infer<typeof LabTopology>;

export const LabExport = z.object({ file_name: z.string().min(1), topology_yaml: z.string() });
export type LabExport = z.infer<typeof LabExport>;
