/** Header carrying the controllers' shared key on `/api/internal/*` (spec §5.1). */
export const INTERNAL_API_KEY_HEADER = 'x-api-key';
/** Header naming the calling controller on internal calls; recorded as the audit actor. */
export const INTERNAL_ACTOR_HEADER = 'x-lcm-actor';
/** Correlation id propagated across services and stored with every audit entry. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

export const PUBLIC_API_PREFIX = '/api/v1';
export const INTERNAL_API_PREFIX = '/api/internal';
/**
 * A leader-elected controller's proof of its term (`<controller>:<revision of its leader key>`);
 * the control plane refuses a write whose term is older than the current leader's.
 */
export const LEADER_TERM_HEADER = 'x-lcm-leader-term';
