import {
  ExternalInterface,
  IsoDateTime,
  LabPendingAction,
  LabRecordSource,
  LabRecordStatus,
  LabRevision,
  LabRunRecord,
  PortMap,
  RuntimeBinding,
  StatusHistoryEntry,
  TopologySpec,
} from '@lcm/contracts';
import { z } from 'zod';

const nullableDate = IsoDateTime.nullable().default(null);
const nullableString = z.string().nullable().default(null);

/** Persisted shape of a LabRecord (spec §3.4, ADR-019). */
export const LabRecordState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  runtime_binding: RuntimeBinding,
  title: z.string().default(''),
  description: nullableString,
  notes: nullableString,
  owner_username: nullableString,
  owner_fullname: nullableString,
  groups: z.array(z.string()).default([]),
  node_count: z.number().int().nonnegative().default(0),
  link_count: z.number().int().nonnegative().default(0),
  status: LabRecordStatus,
  status_history: z.array(StatusHistoryEntry).max(50).default([]),
  topology_spec: TopologySpec.nullable().default(null),
  external_interfaces: z.array(ExternalInterface).default([]),
  revision: z.number().int().min(1).default(1),
  revision_history: z.array(LabRevision).default([]),
  run_history: z.array(LabRunRecord).max(50).default([]),
  pending_action: LabPendingAction.nullable().default(null),
  pending_action_at: nullableDate,
  pending_action_error: nullableString,
  based_on_definition_id: nullableString,
  active_lablet_session_id: nullableString,
  allocated_ports: PortMap.default({}),
  source: LabRecordSource,
  previous_status_before_error: LabRecordStatus.nullable().default(null),
  last_error: nullableString,
  last_error_at: nullableDate,
  cml_created_at: nullableDate,
  modified_at: nullableDate,
  first_seen_at: nullableDate,
  last_synced_at: nullableDate,
});
export type LabRecordState = z.infer<typeof LabRecordState>;
export type LabRecordStateInput = z.input<typeof LabRecordState>;

/** Descriptive fields copied from CML. */
export const LabMetadata = LabRecordState.pick({
  title: true,
  description: true,
  notes: true,
  owner_username: true,
  owner_fullname: true,
  groups: true,
  node_count: true,
  link_count: true,
  external_interfaces: true,
  cml_created_at: true,
}).partial();
export type LabMetadata = z.infer<typeof LabMetadata>;
