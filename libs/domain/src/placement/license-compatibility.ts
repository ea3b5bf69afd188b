import type { LicenseType } from '@lcm/contracts';

/** Spec §7.1: a PERSONAL CML licence runs at most 20 nodes. */
export const PERSONAL_LICENSE_NODE_LIMIT = 20;

/**
 * Decision 22: a worker satisfies a definition when its licence type is listed in the
 * definition's `license_affinity`, or it is ENTERPRISE (a superset of the others). An empty
 * affinity accepts any worker.
 */
export function licenseSatisfiesAffinity(
  type: LicenseType | null,
  affinity: readonly LicenseType[],
): boolean {
  if (affinity.length === 0) return true;
  return type !== null && (type === 'ENTERPRISE' || affinity.includes(type));
}

/**
 * Spec §7.1: how many nodes one lab may have under a licence: PERSONAL ≤ 20, ENTERPRISE unlimited,
 * anything else (EVALUATION, or no licence known) the worker's own node maximum.
 */
export function licenseNodeLimit(type: LicenseType | null, workerMaxNodes: number): number {
  if (type === 'PERSONAL') return PERSONAL_LICENSE_NODE_LIMIT;
  if (type === 'ENTERPRISE') return Number.POSITIVE_INFINITY;
  return workerMaxNodes;
}
