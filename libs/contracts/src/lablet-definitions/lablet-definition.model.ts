import { z } from 'zod';
import { DocumentBase } from '../shared/document';
import { DefinitionStatus } from '../shared/enums';
import {
  Identifier,
  LicenseAffinity,
  PortTemplateEntry,
  ResourceRequirements,
} from '../shared/value-objects';

export const SemVer = z
  .string()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'must be a semantic version');

/** Named step list run by the lablet-controller (instantiate, collect_evidence, compute_grading, teardown). */
export const PipelineDefinition = z.object({
  steps: z.array(z.string().min(1)).min(1),
  max_retries: z.number().int().nonnegative(),
  retry_backoff_seconds: z.number().nonnegative(),
});
export type PipelineDefinition = z.infer<typeof PipelineDefinition>;

export const UserVisibleDevice = z.object({
  device_label: z.string().min(1),
  user_access_mode: z.string().min(1),
});
export type UserVisibleDevice = z.infer<typeof UserVisibleDevice>;

/** Fields an admin supplies for a definition version (spec §3.7). */
export const LabletDefinitionFields = z.object({
  name: z.string().min(1).max(200),
  version: SemVer,
  /** CML YAML with `${PORT_<NAME>}` placeholders for the allocated ports. */
  topology_yaml: z.string().min(1),
  node_count: z.number().int().nonnegative(),
  resource_requirements: ResourceRequirements,
  license_affinity: LicenseAffinity,
  port_template: z.array(PortTemplateEntry),
  form_qualified_name: z.string().min(1).nullable(),
  grading_rules_uri: z.string().min(1).nullable(),
  /** GradingEngine pod device `collector` (GRADING-API §5). */
  grading_collector: z.string().min(1),
  max_duration_minutes: z.number().int().positive(),
  warm_pool_depth: z.number().int().nonnegative(),
  owner_notification: z.string().min(1).nullable(),
  lab_reuse_enabled: z.boolean(),
  /** Stored only; `true` is refused with 422 until multi-lab exists (decision 5). */
  multi_lab_enabled: z.boolean(),
  /** Per-definition instantiation lead; null = the service default. */
  boot_lead_time_minutes: z.number().int().positive().nullable(),
  pipelines: z.record(Identifier, PipelineDefinition),
  /** Devices LDS shows to the candidate; null = all, empty = none. */
  user_visible_devices: z.array(UserVisibleDevice).nullable(),
  lab_artifact_uri: z.string().min(1).nullable(),
});

/** Versioned lab template; each (name, version) is immutable apart from its operational flags. */
export const LabletDefinition = DocumentBase.extend({
  ...LabletDefinitionFields.shape,
  status: DefinitionStatus,
  /** SHA-256 of topology_yaml. */
  lab_yaml_hash: z.string().regex(/^[0-9a-f]{64}$/),
  created_by: z.string().min(1),
});
export type LabletDefinition = z.infer<typeof LabletDefinition>;
