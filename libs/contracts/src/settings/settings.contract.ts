import { z } from 'zod';
import { defineRoute } from '../http/route';
import { ADMIN_ROLES } from '../http/roles';
import { DocumentBase } from '../shared/document';

/** Intervals, cooldowns and timeouts are bounded so every derived time stays a valid date. */
const WEEK_SECONDS = 7 * 24 * 3600;
const Seconds = z.number().int().positive().max(WEEK_SECONDS);
const WorkerCount = z.number().int().nonnegative().max(10_000);
const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1');

export const WorkerProvisioningSettings = z.object({
  ami_name_default: z.string().min(1).nullable(),
  ami_ids: z.record(AwsRegion, z.string().min(1)),
  ami_names: z.record(AwsRegion, z.string().min(1)),
  instance_type: z.string().min(1).nullable(),
  security_group_ids: z.array(z.string().min(1)),
  subnet_id: z.string().min(1).nullable(),
});
export const MonitoringSettings = z.object({ worker_metrics_poll_interval_seconds: Seconds });
export const IdleDetectionSettings = z.object({
  enabled: z.boolean(),
  timeout_minutes: z
    .number()
    .int()
    .positive()
    .max(WEEK_SECONDS / 60),
});
export const ScalingSettings = z.object({
  scale_down_enabled: z.boolean(),
  min_workers: WorkerCount,
  max_workers: WorkerCount.min(1),
  scale_up_cooldown_s: Seconds,
  scale_down_cooldown_s: Seconds,
});
export const DiscoverySettings = z.object({
  enabled: z.boolean(),
  regions: z.array(z.string().min(1)),
  ami_name_pattern: z.string().min(1),
  scan_interval_seconds: Seconds,
});
export const FeatureSettings = z.object({ lab_discovery_v2_enabled: z.boolean() });

const settingsGroups = {
  worker_provisioning: WorkerProvisioningSettings,
  monitoring: MonitoringSettings,
  idle_detection: IdleDetectionSettings,
  scaling: ScalingSettings,
  discovery: DiscoverySettings,
  features: FeatureSettings,
};

/** The singleton settings document (spec §3.8); its id is always `default`. */
export const SystemSettings = DocumentBase.extend({
  id: z.literal('default'),
  ...settingsGroups,
  updated_by: z.string().nullable(),
});
export type SystemSettings = z.infer<typeof SystemSettings>;

/** Partial update: any group, any field of a group; unknown groups or fields are rejected. */
export const UpdateSettingsBody = z
  .strictObject({
    worker_provisioning: WorkerProvisioningSettings.partial().strict(),
    monitoring: MonitoringSettings.partial().strict(),
    idle_detection: IdleDetectionSettings.partial().strict(),
    scaling: ScalingSettings.partial().strict(),
    discovery: DiscoverySettings.partial().strict(),
    features: FeatureSettings.partial().strict(),
  } satisfies Record<keyof typeof settingsGroups, z.ZodType>)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to update' });
export type UpdateSettingsBody = z.infer<typeof UpdateSettingsBody>;

export const settingsContract = {
  getSettings: defineRoute({
    method: 'GET',
    path: '/api/v1/settings',
    responses: { 200: SystemSettings },
    summary: 'Read system settings',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  updateSettings: defineRoute({
    method: 'PUT',
    path: '/api/v1/settings',
    body: UpdateSettingsBody,
    responses: { 200: SystemSettings },
    summary: 'Update system settings',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
};

/** The controllers read the settings they act on (scaling, idle detection, monitoring, discovery). */
export const settingsInternalContract = {
  getSettings: defineRoute({
    method: 'GET',
    path: '/api/internal/settings',
    responses: { 200: SystemSettings },
    summary: 'Read system settings',
    auth: 'internal',
  }),
};
