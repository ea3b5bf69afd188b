import { IsoDateTime } from '@lcm/contracts';
import { z } from 'zod';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import { DomainValidationError } from '../shared/domain-error';
import type { EventUnion } from '../shared/domain-event';

export const SYSTEM_SETTINGS_ID = 'default';

/** Editable sections of the `default` singleton (spec §3.8); every field has the spec's default. */
export const SystemSettingsSections = z.object({
  worker_provisioning: z
    .object({
      ami_name_default: z.string().nullable().default(null),
      ami_ids: z.record(z.string(), z.string()).default({}),
      ami_names: z.record(z.string(), z.string()).default({}),
      instance_type: z.string().nullable().default(null),
      security_group_ids: z.array(z.string()).default([]),
      subnet_id: z.string().nullable().default(null),
    })
    .prefault({}),
  monitoring: z
    .object({ worker_metrics_poll_interval_seconds: z.number().int().positive().default(300) })
    .prefault({}),
  idle_detection: z
    .object({ enabled: z.boolean().default(true), timeout_minutes: z.number().int().positive().default(60) })
    .prefault({}),
  scaling: z
    .object({
      scale_down_enabled: z.boolean().default(false),
      min_workers: z.number().int().nonnegative().default(0),
      max_workers: z.number().int().positive().default(10),
      scale_up_cooldown_s: z.number().int().nonnegative().default(300),
      scale_down_cooldown_s: z.number().int().nonnegative().default(600),
    })
    .refine((scaling) => scaling.min_workers <= scaling.max_workers, {
      message: 'must not exceed max_workers',
      path: ['min_workers'],
    })
    .prefault({}),
  discovery: z
    .object({
      enabled: z.boolean().default(true),
      regions: z.array(z.string()).default([]),
      ami_name_pattern: z.string().default('cisco-cml2.9*'),
      scan_interval_seconds: z.number().int().positive().default(300),
    })
    .prefault({}),
  features: z.object({ lab_discovery_v2_enabled: z.boolean().default(true) }).prefault({}),
});
export type SystemSettingsSections = z.infer<typeof SystemSettingsSections>;

export const SystemSettingsState = SystemSettingsSections.extend({
  id: z.literal(SYSTEM_SETTINGS_ID),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  updated_by: z.string().nullable().default(null),
});
export type SystemSettingsState = z.infer<typeof SystemSettingsState>;
export type SystemSettingsStateInput = z.input<typeof SystemSettingsState>;

/** A patch replaces fields inside a section, never whole sections by accident. */
export type SystemSettingsPatch = {
  [K in keyof SystemSettingsSections]?: Partial<SystemSettingsSections[K]>;
};

export type SystemSettingsEvent = EventUnion<{
  'system_settings.updated': { sections: string[]; updated_by: string | null };
}>;

export class SystemSettings extends AggregateRoot<SystemSettingsState, SystemSettingsEvent> {
  protected readonly aggregateType = 'system_settings' as const;

  static createDefault(clock: Clock): SystemSettings {
    const at = clock.now().toISOString();
    return new SystemSettings(
      SystemSettingsState.parse({ id: SYSTEM_SETTINGS_ID, version: 0, created_at: at, updated_at: at }),
      clock,
    );
  }

  static fromState(state: SystemSettingsStateInput, clock: Clock): SystemSettings {
    return new SystemSettings(SystemSettingsState.parse(state), clock);
  }

  get sections(): SystemSettingsSections {
    const {
      id: _id,
      version: _version,
      created_at: _created,
      updated_at: _updated,
      updated_by: _by,
      ...sections
    } = this.toState();
    return sections;
  }

  update(patch: SystemSettingsPatch, updatedBy: string | null): void {
    const current = this.sections;
    const merged: Record<string, unknown> = { ...current };
    for (const [section, values] of Object.entries(patch))
      merged[section] = { ...current[section as keyof SystemSettingsSections], ...values };
    const parsed = SystemSettingsSections.safeParse(merged);
    if (!parsed.success)
      throw new DomainValidationError('invalid system settings', { issues: parsed.error.issues });
    const changed = (Object.keys(patch) as Array<keyof SystemSettingsSections>).filter(
      (section) => JSON.stringify(parsed.data[section]) !== JSON.stringify(current[section]),
    );
    if (changed.length === 0) return;
    Object.assign(this.state, parsed.data);
    this.state.updated_by = updatedBy;
    this.touch();
    this.raise('system_settings.updated', { sections: changed, updated_by: updatedBy });
  }
}
