import {
  DefinitionStatus,
  IsoDateTime,
  LicenseAffinity,
  PortTemplateEntry,
  ResourceRequirements,
  StatusHistoryEntry,
} from '@lcm/contracts';
import { z } from 'zod';

export const DefinitionPipeline = z.object({
  steps: z.array(z.string().min(1)).default([]),
  max_retries: z.number().int().nonnegative().default(3),
  retry_backoff_seconds: z.number().nonnegative().default(30),
});
export type DefinitionPipeline = z.infer<typeof DefinitionPipeline>;

export const UserVisibleDevice = z.object({
  device_label: z.string().min(1),
  user_access_mode: z.string().min(1),
});
export type UserVisibleDevice = z.infer<typeof UserVisibleDevice>;

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Persisted shape of a LabletDefinition (spec §3.7). The definition's own semantic version is
 * `semver`, because `version` is the optimistic-concurrency counter on every document (§3.1).
 */
export const LabletDefinitionState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  name: z.string().min(1),
  semver: z.string().regex(SEMVER, 'must be a semantic version'),
  status: DefinitionStatus,
  status_history: z.array(StatusHistoryEntry).default([]),
  lab_artifact_uri: z.string().nullable().default(null),
  lab_yaml_hash: z.string().nullable().default(null),
  topology_yaml: z.string().default(''),
  node_count: z.number().int().nonnegative(),
  resource_requirements: ResourceRequirements,
  license_affinity: LicenseAffinity.default([]),
  port_template: z
    .array(PortTemplateEntry)
    .default([])
    .refine(
      (entries) => new Set(entries.map((entry) => entry.name)).size === entries.length,
      'port names must be unique',
    ),
  form_qualified_name: z.string().nullable().default(null),
  grading_rules_uri: z.string().nullable().default(null),
  max_duration_minutes: z.number().int().positive(),
  warm_pool_depth: z.number().int().nonnegative().default(0),
  owner_notification: z.string().nullable().default(null),
  lab_reuse_enabled: z.boolean().default(false),
  multi_lab_enabled: z.boolean().default(false),
  created_by: z.string().nullable().default(null),
  boot_lead_time_minutes: z.number().int().positive().nullable().default(null),
  pipelines: z.record(z.string(), DefinitionPipeline).default({}),
  user_visible_devices: z.array(UserVisibleDevice).nullable().default(null),
});
export type LabletDefinitionState = z.infer<typeof LabletDefinitionState>;
export type LabletDefinitionStateInput = z.input<typeof LabletDefinitionState>;

export const LabletDefinitionProps = LabletDefinitionState.omit({
  id: true,
  version: true,
  created_at: true,
  updated_at: true,
  status: true,
  status_history: true,
});
export type LabletDefinitionProps = z.input<typeof LabletDefinitionProps>;
