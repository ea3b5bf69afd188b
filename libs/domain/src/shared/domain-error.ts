/** Entities that own a transition table; the prefix of their INVALID_TRANSITION code. */
export type MachineEntity = 'SESSION' | 'LAB_RECORD' | 'WORKER' | 'USER_SESSION' | 'GRADING_SESSION' | 'DEFINITION';

/**
 * The closed set of domain error codes. The API maps each to an HTTP status in one place, so a
 * new code here must be mapped there before it compiles.
 */
export type DomainErrorCode =
  | `${MachineEntity}.INVALID_TRANSITION`
  | 'CONCURRENCY_CONFLICT'
  | 'VALIDATION_FAILED'
  | 'SESSION.INVALID_TIMESLOT'
  | 'SESSION.TIMESLOT_NOT_ENDED'
  | 'SESSION.SCORE_ALREADY_RECORDED'
  | 'SESSION.CHILD_MISMATCH'
  | 'SESSION.LAB_BINDING_REFUSED'
  | 'DEFINITION.NOT_ACTIVE'
  | 'DEFINITION.MULTI_LAB_NOT_SUPPORTED'
  | 'WORKER.NOT_ACCEPTING'
  | 'WORKER.CAPACITY_EXCEEDED'
  | 'WORKER.PORTS_EXHAUSTED'
  | 'WORKER.PORT_CONFLICT'
  | 'LAB_RECORD.ACTION_PENDING'
  | 'LAB_RECORD.NO_PENDING_ACTION'
  | 'LAB_RECORD.TERMINAL'
  | 'LAB_RECORD.LAB_ID_FIXED';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  protected constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidTransitionError extends DomainError {
  readonly code: DomainErrorCode;

  constructor(
    readonly entity: MachineEntity,
    readonly entityId: string,
    readonly current: string,
    readonly requested: string,
  ) {
    super(`${entity} ${entityId}: cannot move from ${current} to ${requested}`, { entity, entityId, current, requested });
    this.code = `${entity}.INVALID_TRANSITION`;
  }
}

/** Raised by repositories when `replaceOne({_id, version: expected})` matched nothing. */
export class ConcurrencyConflictError extends DomainError {
  readonly code = 'CONCURRENCY_CONFLICT' as const;

  constructor(
    readonly aggregateId: string,
    readonly expectedVersion: number,
  ) {
    super(`${aggregateId} was changed by someone else (expected version ${expectedVersion})`, { aggregateId, expectedVersion });
  }
}

/** A rule on the input itself was broken (400 at the API), e.g. a non-positive capacity. */
export class DomainValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED' as const;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
  }
}
