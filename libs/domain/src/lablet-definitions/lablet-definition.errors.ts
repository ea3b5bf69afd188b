import type { DefinitionStatus } from '@lcm/contracts';
import { DomainError } from '../shared/domain-error';

/** Decision 5: 1:1 lab per session until a later phase (422 at the API). */
export class MultiLabNotSupportedError extends DomainError {
  readonly code = 'DEFINITION.MULTI_LAB_NOT_SUPPORTED' as const;

  constructor(name: string) {
    super(`definition ${name}: multi_lab_enabled=true is not supported yet`, { name });
  }
}

export class DefinitionNotActiveError extends DomainError {
  readonly code = 'DEFINITION.NOT_ACTIVE' as const;

  constructor(
    readonly definitionId: string,
    readonly status: DefinitionStatus,
  ) {
    super(`definition ${definitionId} is ${status}; only active definitions accept sessions`, {
      definitionId,
      status,
    });
  }
}
