import type { DefinitionStatus } from '@lcm/contracts';
import { defineMachine } from '../shared/transition-table';

/**
 * The spec lists the statuses but no table; this one is inferred: only `active` accepts sessions,
 * `archived` keeps history readable and `deleted` is final.
 */
export const LABLET_DEFINITION_TRANSITIONS = {
  pending_sync: ['active', 'inactive', 'deleted'],
  active: ['inactive', 'deprecated', 'archived'],
  inactive: ['active', 'deprecated', 'archived', 'deleted'],
  deprecated: ['active', 'archived'],
  archived: ['deleted'],
  deleted: [],
} as const satisfies Record<DefinitionStatus, readonly DefinitionStatus[]>;

export const LABLET_DEFINITION_MACHINE = defineMachine<DefinitionStatus>(
  'DEFINITION',
  LABLET_DEFINITION_TRANSITIONS,
);
