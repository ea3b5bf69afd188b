/**
 * An import is registered before CML has the lab, so its record carries a placeholder lab id
 * (the runtime binding needs one and (worker, lab id) is unique) until CML assigns the real one.
 */
const PLACEHOLDER_PREFIX = 'lcm-import-';

export const placeholderLabId = (labRecordId: string): string => `${PLACEHOLDER_PREFIX}${labRecordId}`;

/** Such a lab cannot be missing from a CML scan: CML does not know it yet. */
export const awaitsCmlLabId = (labId: string): boolean => labId.startsWith(PLACEHOLDER_PREFIX);
