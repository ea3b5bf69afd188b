import { z } from 'zod';
import { DeviceProtocol, LicenseType, RevisionAuthor, RuntimeEnvironmentType } from './enums';

// Small shapes shared by several aggregates, REST bodies and etcd values (spec §3).

export const IsoDateTime = z.iso.datetime({ offset: true });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

export const EntityId = z.string().min(1).max(128);
export type EntityId = z.infer<typeof EntityId>;

/** Worker capacity dimensions; declared (template), allocated (sum of sessions) and available. */
export const Capacity = z.object({
  cpu_cores: z.number().nonnegative(),
  memory_gb: z.number().nonnegative(),
  storage_gb: z.number().nonnegative(),
  max_nodes: z.number().int().nonnegative(),
});
export type Capacity = z.infer<typeof Capacity>;

/**
 * A key that may become a document field name: MongoDB-wire servers refuse names with a NUL byte
 * or a leading `$`, and FerretDB also refuses `.`, so such keys are a 400 at the edge, never a 500.
 */
export const StorableKey = z
  .string()
  .min(1)
  .max(256)
  .refine((key) => !key.startsWith('$') && !key.includes('.') && !key.includes('\u0000'), {
    message: "must not start with '$' or contain '.' or a NUL byte",
  });

function unstorableKeyPath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableKeyPath(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    if (!StorableKey.safeParse(key).success) return [...path, key];
    const found = unstorableKeyPath(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** Where an array holds an array: FerretDB, the store we ship (docs/decisions/store.md), cannot hold one. */
function nestedArrayPath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  const items: [string | number, unknown][] = Array.isArray(value)
    ? [...value.entries()]
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  for (const [key, item] of items) {
    if (Array.isArray(value) && Array.isArray(item)) return [...path, key];
    const found = nestedArrayPath(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * Free-form JSON a controller hands over for storage: every nested key must be storable, and no
 * array may directly hold an array (a 400 naming it, not a 500 from the store).
 */
export const StorableJsonObject = z.record(StorableKey, z.unknown()).superRefine((value, ctx) => {
  const path = unstorableKeyPath(value);
  if (path)
    ctx.addIssue({
      code: 'custom',
      path,
      message: "keys must not start with '$' or contain '.' or a NUL byte",
    });
  const nested = nestedArrayPath(value);
  if (nested) ctx.addIssue({ code: 'custom', path: nested, message: 'an array must not hold an array' });
});

/** Names of ports and pipeline steps: identifiers, since they become keys and `${PORT_<NAME>}` placeholders. */
export const Identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

/** Port name (from a definition's port_template) to the worker port it is reachable on. */
export const PortMap = z.record(StorableKey, z.number().int().min(1).max(65535));
export type PortMap = z.infer<typeof PortMap>;

export const PortRange = z
  .object({ start: z.number().int().min(1).max(65535), end: z.number().int().min(1).max(65535) })
  .refine((range) => range.end >= range.start, { message: 'end must be >= start', path: ['end'] });
export type PortRange = z.infer<typeof PortRange>;

export const PortTemplateEntry = z.object({ name: Identifier, protocol: DeviceProtocol });
export type PortTemplateEntry = z.infer<typeof PortTemplateEntry>;

/** Who holds which ports on a worker: a session (reservation) or a lab record (imported lab). */
export const PortAllocation = z.object({
  holder_id: z.string().min(1),
  holder_kind: z.enum(['session', 'lab_record']),
  ports: PortMap,
  allocated_at: IsoDateTime,
});
export type PortAllocation = z.infer<typeof PortAllocation>;

export const StatusHistoryEntry = z.object({
  from: z.string().nullable(),
  to: z.string(),
  at: IsoDateTime,
  reason: z.string().nullable(),
  actor: z.string().nullable(),
});
export type StatusHistoryEntry = z.infer<typeof StatusHistoryEntry>;

export const DeviceAccessInfo = z.object({
  name: z.string().min(1),
  protocol: DeviceProtocol,
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  uri: z.string().nullable().optional(),
  username: z.string().nullable().optional(),
  password: z.string().nullable().optional(),
});
export type DeviceAccessInfo = z.infer<typeof DeviceAccessInfo>;

export const ScoreSection = z.object({
  name: z.string().min(1),
  score: z.number(),
  max_score: z.number().nonnegative(),
  weight: z.number().positive().default(1.0),
});
export type ScoreSection = z.infer<typeof ScoreSection>;

export const AmiRequirement = z.object({
  name_pattern: z.string().min(1),
  min_version: z.string().nullable().optional(),
});
export type AmiRequirement = z.infer<typeof AmiRequirement>;

export const ResourceRequirements = z.object({
  cpu_cores: z.number().nonnegative(),
  memory_gb: z.number().nonnegative(),
  storage_gb: z.number().nonnegative(),
  nested_virt: z.boolean().default(false),
  ami_requirements: z.array(AmiRequirement).default([]),
});
export type ResourceRequirements = z.infer<typeof ResourceRequirements>;

export const RuntimeBinding = z.object({
  runtime_type: RuntimeEnvironmentType,
  worker_id: z.string().min(1),
  lab_id: z.string().min(1),
});
export type RuntimeBinding = z.infer<typeof RuntimeBinding>;

export const TopologyNode = z.object({
  label: z.string(),
  node_definition: z.string().nullable().optional(),
  x: z.number().optional(),
  y: z.number().optional(),
  tags: z.array(z.string()).default([]),
});
export const TopologyLink = z.object({
  source_node: z.string(),
  source_interface: z.string().nullable().optional(),
  target_node: z.string(),
  target_interface: z.string().nullable().optional(),
  label: z.string().nullable().optional(),
});
export const TopologySpec = z.object({
  nodes: z.array(TopologyNode).default([]),
  links: z.array(TopologyLink).default([]),
  annotations: z.array(StorableJsonObject).default([]),
  raw_yaml: z.string().nullable().optional(),
  checksum: z.string().nullable().optional(),
});
export type TopologySpec = z.infer<typeof TopologySpec>;

export const ExternalInterface = z.object({
  node_label: z.string().min(1),
  protocol: DeviceProtocol,
  port: z.number().int().min(1).max(65535),
});
export type ExternalInterface = z.infer<typeof ExternalInterface>;

export const LabRevision = z.object({
  revision: z.number().int().min(1),
  topology_checksum: z.string(),
  created_at: IsoDateTime,
  created_by: RevisionAuthor,
  change_summary: z.string().nullable(),
  node_count: z.number().int().nonnegative(),
  link_count: z.number().int().nonnegative(),
});
export type LabRevision = z.infer<typeof LabRevision>;

export const LabRunRecord = z.object({
  run_id: z.string().min(1),
  started_at: IsoDateTime,
  stopped_at: IsoDateTime.nullable(),
  duration_seconds: z.number().nonnegative().nullable(),
  started_by: z.string().nullable(),
  stop_reason: z.string().nullable(),
  lablet_session_id: z.string().nullable(),
  final_state: z.string().nullable(),
});
export type LabRunRecord = z.infer<typeof LabRunRecord>;

export const LicenseAffinity = z.array(LicenseType);
export type LicenseAffinity = z.infer<typeof LicenseAffinity>;
