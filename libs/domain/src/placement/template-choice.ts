import type { WorkerTemplate } from '@lcm/contracts';
import {
  type PlacementCandidate,
  type PlacementDemand,
  rejectionOf,
  type WorkerRejection,
} from './placement-engine';

/** Every category but status: a template describes a worker that would run once started. */
const TEMPLATE_CATEGORIES = ['license', 'ami', 'capacity', 'ports'] as const;

/**
 * A template as the empty worker it would start: its licence, capacity and port range, and an AMI
 * name read from its pattern with the wildcards left out (`CML-2.9.*` → `CML-2.9.`), so the
 * definition's name patterns and minimum CML version are checked against what it would launch.
 */
export function templateAsCandidate(template: WorkerTemplate): PlacementCandidate {
  return {
    id: template.id,
    status: 'RUNNING',
    serviceStatus: 'AVAILABLE',
    licenseType: template.license_type,
    amiName: template.ami_pattern.replace(/[*?]/g, ''),
    cmlVersion: null,
    declared: { ...template.capacity, max_nodes: template.max_nodes },
    allocated: { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
    freePorts: template.port_range.end - template.port_range.start + 1,
  };
}

/** Why a worker started from `template` could never take one session of `demand`, or null. */
export function templateRejection(template: WorkerTemplate, demand: PlacementDemand): WorkerRejection | null {
  return rejectionOf(templateAsCandidate(template), demand, TEMPLATE_CATEGORIES);
}

const costOf = (template: WorkerTemplate) => template.cost_per_hour_usd ?? Number.POSITIVE_INFINITY;

/**
 * Enabled templates whose empty worker would fit one session of `demand` (licence, node limits,
 * AMI, capacity, ports), cheapest first; a template without a price comes after priced ones, and
 * equal prices go by id. Disabled templates are never returned (spec §3.6: scale-up refuses them).
 */
export function viableTemplates(
  demand: PlacementDemand,
  templates: readonly WorkerTemplate[],
): WorkerTemplate[] {
  return templates
    .filter((template) => template.enabled && templateRejection(template, demand) === null)
    .sort((a, b) => costOf(a) - costOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
