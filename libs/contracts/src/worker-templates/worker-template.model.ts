import { z } from 'zod';
import { DocumentBase } from '../shared/document';
import { LicenseType } from '../shared/enums';
import { PortRange } from '../shared/value-objects';

/** What a template's machine offers; it has some of each (a worker of no capacity takes no session). */
export const TemplateCapacity = z.object({
  cpu_cores: z.number().positive(),
  memory_gb: z.number().positive(),
  storage_gb: z.number().positive(),
});
export type TemplateCapacity = z.infer<typeof TemplateCapacity>;

/** Editable fields of a template; defaults live on the create body only, so an update never resets a field. */
export const WorkerTemplateFields = z.object({
  name: z.string().min(1).max(100),
  description: z.string().nullable(),
  instance_type: z.string().min(1),
  capacity: TemplateCapacity,
  license_type: LicenseType,
  max_nodes: z.number().int().positive(),
  /** AMI name pattern, resolved to the newest matching AMI of the region at launch. */
  ami_pattern: z.string().min(1),
  region: z.string().min(1),
  startup_time_minutes: z.number().int().positive(),
  port_range: PortRange,
  drain_timeout_hours: z.number().positive(),
  cost_per_hour_usd: z.number().nonnegative().nullable(),
  enabled: z.boolean(),
});

/** Recipe for creating a worker (spec §3.6, ADR-007). */
export const WorkerTemplate = DocumentBase.extend({ ...WorkerTemplateFields.shape, is_seeded: z.boolean() });
export type WorkerTemplate = z.infer<typeof WorkerTemplate>;

/** Default worker port range: CML's PATty console range (decision 16). */
export const DEFAULT_PORT_RANGE = { start: 2000, end: 7999 } as const;
