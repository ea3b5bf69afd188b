import { z } from 'zod';
import { DocumentId } from '../shared/document';
import { LabPendingAction, LabRecordSource, LabRecordStatus } from '../shared/enums';
import { ListQuery, OneOrMany, queryFlag } from '../shared/pagination';
import { IsoDateTime, LabRunRecord, PortMap, TopologySpec } from '../shared/value-objects';
import { LabRecord } from './lab-record.model';

export const LabRecordParams = z.object({ lab_record_id: DocumentId });

const TopologyYaml = z.string().min(1);

/** Public import: a YAML topology onto a worker → IMPORTING with a pending import. */
export const ImportLabBody = z.strictObject({
  worker_id: DocumentId,
  yaml: TopologyYaml,
  title: z.string().min(1).optional(),
});
export type ImportLabBody = z.infer<typeof ImportLabBody>;

export const CloneLabBody = z.strictObject({ title: z.string().min(1).optional() });
export type CloneLabBody = z.infer<typeof CloneLabBody>;

/** Internal: the lablet-controller registers a cold import it is about to run (IMPORTING). */
export const RegisterLabImportBody = LabRecord.pick({ based_on_definition_id: true, allocated_ports: true })
  .partial()
  .extend({
    worker_id: DocumentId,
    title: z.string().min(1),
    topology_yaml: TopologyYaml,
    lablet_session_id: DocumentId.optional(),
  })
  .strict();
export type RegisterLabImportBody = z.infer<typeof RegisterLabImportBody>;

/** One lab as the scan saw it on CML, already mapped to LCM's status vocabulary. */
export const DiscoveredLab = z.strictObject({
  lab_id: z.string().min(1),
  title: z.string(),
  description: z.string().nullable().optional(),
  notes: z.string().nullable().optional(),
  owner_username: z.string().nullable().optional(),
  owner_fullname: z.string().nullable().optional(),
  groups: z.array(z.string()).optional(),
  node_count: z.number().int().nonnegative(),
  link_count: z.number().int().nonnegative(),
  status: LabRecordStatus,
  topology_spec: TopologySpec.optional(),
  based_on_definition_id: DocumentId.optional(),
  cml_created_at: IsoDateTime.nullable().optional(),
  modified_at: IsoDateTime.nullable().optional(),
});
export type DiscoveredLab = z.infer<typeof DiscoveredLab>;

/**
 * One entry of a scan. Clients send a `DiscoveredLab`; the server checks each entry on its own
 * (against `DiscoveredLab`) so that one bad lab is reported in the result's `errors` instead of
 * refusing the whole scan. Hence the input type is `DiscoveredLab` and the parsed type `unknown`.
 */
const ScannedLab = z
  .custom<z.input<typeof DiscoveredLab>>()
  .transform((entry): unknown => entry)
  .meta({ description: 'A DiscoveredLab; an entry that is not one is listed in the result errors' });

/** Bulk scan result for one worker (lab discovery v2, spec §7.3.4). */
export const LabDiscoverBody = z.strictObject({
  worker_id: DocumentId,
  labs: z.array(ScannedLab),
  source: LabRecordSource.extract(['discovery', 'import']).default('discovery'),
  /** A partial scan (targeted discovery, registered import) skips the orphan sweep. */
  partial_scan: z.boolean().default(false),
  scanned_at: IsoDateTime,
});
export type LabDiscoverBody = z.infer<typeof LabDiscoverBody>;

export const LabDiscoverResult = z.object({
  synced: z.number().int().nonnegative(),
  discovered: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  orphaned: z.number().int().nonnegative(),
  revisions_created: z.number().int().nonnegative(),
  errors: z.array(z.object({ lab_id: z.string().nullable(), message: z.string() })),
});
export type LabDiscoverResult = z.infer<typeof LabDiscoverResult>;

/** Observed status; `observed_at` feeds the freshness guard (R6). */
export const LabStatusObservationBody = z.strictObject({
  status: LabRecordStatus,
  observed_at: IsoDateTime,
  error_message: z.string().optional(),
  /** The id CML gave a registered import; binds the record to its lab (only while IMPORTING). */
  lab_id: z.string().min(1).optional(),
});
export type LabStatusObservationBody = z.infer<typeof LabStatusObservationBody>;

export const UpdateLabTopologyBody = z.strictObject({
  topology_spec: TopologySpec,
  checksum: z.string().min(1),
  change_summary: z.string().optional(),
  observed_at: IsoDateTime,
});
export type UpdateLabTopologyBody = z.infer<typeof UpdateLabTopologyBody>;

/**
 * A run the lablet-controller reports. Only what it knows is required: the server generates a
 * missing run id, takes `now` for a missing start, names `system` as the starter and derives
 * `duration_seconds` from the times (a reported duration is ignored, so it cannot contradict them).
 */
export const RecordLabRunBody = LabRunRecord.partial()
  .strict()
  .refine(
    (run) => !run.started_at || !run.stopped_at || Date.parse(run.stopped_at) >= Date.parse(run.started_at),
    { path: ['stopped_at'], message: 'stopped_at must not be before started_at' },
  );
export type RecordLabRunBody = z.infer<typeof RecordLabRunBody>;

/** `action` must name the pending action, so a late completion of an older action cannot clear a newer one. */
export const CompleteLabActionBody = z.strictObject({
  action: LabPendingAction,
  resulting_status: LabRecordStatus.optional(),
  completed_at: IsoDateTime.optional(),
});
export type CompleteLabActionBody = z.infer<typeof CompleteLabActionBody>;

export const FailLabActionBody = z.strictObject({
  action: LabPendingAction,
  error_message: z.string().min(1),
  transition_to_error: z.boolean().default(false),
});
export type FailLabActionBody = z.infer<typeof FailLabActionBody>;

/**
 * Ports a lab found on its worker already uses (spec §7.3.4: discovery registers the ports of a
 * BOOTED lab built from a definition), so the scheduler never hands them to another session.
 * Each port once: two names cannot share one worker port.
 */
export const ClaimLabPortsBody = z.strictObject({
  allocated_ports: PortMap.refine((ports) => Object.keys(ports).length > 0, 'at least one port').superRefine(
    (ports, ctx) => {
      const seen = new Map<number, string>();
      for (const [name, port] of Object.entries(ports)) {
        const first = seen.get(port);
        if (first !== undefined)
          ctx.addIssue({ code: 'custom', path: [name], message: `port ${port} is also given to ${first}` });
        else seen.set(port, name);
      }
    },
  ),
});
export type ClaimLabPortsBody = z.infer<typeof ClaimLabPortsBody>;

export const ListLabRecordsQuery = ListQuery({
  worker_id: DocumentId.optional(),
  status: OneOrMany(LabRecordStatus).optional(),
  in_use: queryFlag(),
  has_pending_action: queryFlag(),
  based_on_definition_id: DocumentId.optional(),
  search: z.string().min(1).max(200).optional(),
});
export type ListLabRecordsQuery = z.infer<typeof ListLabRecordsQuery>;
