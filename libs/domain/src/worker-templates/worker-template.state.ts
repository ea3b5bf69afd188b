import { IsoDateTime, LicenseType, PortRange, TemplateCapacity } from '@lcm/contracts';
import { z } from 'zod';

export { TemplateCapacity };

/** Persisted shape of a WorkerTemplate (spec §3.6). */
export const WorkerTemplateState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  name: z.string().min(1),
  description: z.string().nullable().default(null),
  instance_type: z.string().min(1),
  capacity: TemplateCapacity,
  license_type: LicenseType,
  max_nodes: z.number().int().positive(),
  ami_pattern: z.string().min(1),
  region: z.string().min(1),
  startup_time_minutes: z.number().positive().default(20),
  port_range: PortRange.default({ start: 2000, end: 7999 }),
  drain_timeout_hours: z.number().positive().default(4),
  cost_per_hour_usd: z.number().nonnegative().nullable().default(null),
  enabled: z.boolean().default(true),
  is_seeded: z.boolean().default(false),
});
export type WorkerTemplateState = z.infer<typeof WorkerTemplateState>;
export type WorkerTemplateStateInput = z.input<typeof WorkerTemplateState>;

/** What an admin (or the seed file) may set; identity and bookkeeping fields are the aggregate's. */
export const WorkerTemplateProps = WorkerTemplateState.omit({ id: true, version: true, created_at: true, updated_at: true, is_seeded: true });
export type WorkerTemplateProps = z.input<typeof WorkerTemplateProps>;
