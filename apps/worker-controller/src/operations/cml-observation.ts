import { type CmlLicense, type CmlMetrics, type LicenseStatus } from '@lcm/contracts';
import {
  type CmlLicensing,
  type CmlSystemHealth,
  type CmlSystemInformation,
  type CmlSystemStats,
} from '@lcm/integrations/cml';

const percent = (value: number | null): number | null =>
  value === null ? null : Math.min(100, Math.max(0, value));
const count = (value: number | null | undefined): number => Math.max(0, Math.round(value ?? 0));

/** What one poll read from a worker's CML; each part null when that call failed. */
export interface CmlReadings {
  info: CmlSystemInformation | null;
  health: CmlSystemHealth | null;
  stats: CmlSystemStats | null;
  licensing: CmlLicensing | null;
  labsCount: number | null;
}

/** The metrics part of a report (spec §3.5 CML group), or null when CML gave nothing to report. */
export function cmlMetricsFrom(readings: CmlReadings, syncedAt: Date): CmlMetrics | null {
  const { info, health, stats } = readings;
  if (!info && !health && !stats) return null;
  return {
    version: info?.version ?? null,
    ready: info?.ready ?? false,
    uptime_seconds: null,
    labs_count: count(readings.labsCount),
    system_info: stats
      ? {
          cpu_count: count(stats.cpu.count),
          cpu_utilization: percent(stats.cpu.percent),
          memory_total_bytes: count(stats.memory.total),
          disk_total_bytes: count(stats.disk.total),
          allocated_cpus: count(stats.allocated_cpus),
          allocated_memory_bytes: count(stats.allocated_memory_kib * 1024),
          total_nodes: count(stats.nodes.total),
          running_nodes: count(stats.nodes.running),
          computes: [],
        }
      : null,
    system_health: health
      ? {
          valid: health.valid ?? false,
          is_licensed: health.is_licensed ?? false,
          is_enterprise: health.is_enterprise ?? false,
        }
      : null,
    last_synced_at: syncedAt.toISOString(),
  };
}

/** CML's free-text registration/authorization states (CML-API.md §3.3) mapped to LCM's licence status. */
export function licenseStatusFrom(licensing: CmlLicensing): LicenseStatus {
  const registration = licensing.registration?.status?.toUpperCase() ?? '';
  const authorization = licensing.authorization?.status?.toUpperCase() ?? '';
  if (authorization.includes('EXPIRED') || registration.includes('EXPIRED')) return 'EXPIRED';
  if (registration === 'COMPLETED' && authorization === 'IN_COMPLIANCE') return 'REGISTERED';
  if (authorization.includes('EVAL')) return 'EVALUATION';
  if (registration === 'FAILED' || authorization.includes('OUT_OF_COMPLIANCE')) return 'INVALID';
  return 'UNREGISTERED';
}

export function cmlLicenseFrom(
  licensing: CmlLicensing,
): Omit<CmlLicense, 'has_token' | 'operation_in_progress'> {
  const expires = licensing.authorization?.expires ?? licensing.registration?.expires ?? null;
  return {
    status: licenseStatusFrom(licensing),
    expiry_date: expires && !Number.isNaN(Date.parse(expires)) ? new Date(expires).toISOString() : null,
    features: licensing.features
      .map((feature) => feature.name ?? feature.id)
      .filter((name): name is string => !!name),
    raw_info: {
      registration_status: licensing.registration?.status ?? null,
      authorization_status: licensing.authorization?.status ?? null,
      product_license: licensing.product_license?.active ?? null,
    },
  };
}
