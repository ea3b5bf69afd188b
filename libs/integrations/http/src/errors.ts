// Typed failures of outside systems. Callers switch on the kind (via the isX() guards), never on
// HTTP statuses or vendor codes, so the four clients can change transport without touching callers.

export type IntegrationSystem = 'cml' | 'lds' | 'grading' | 'aws';

export type IntegrationErrorKind = 'not_found' | 'conflict' | 'unauthorized' | 'throttled' | 'unavailable' | 'invalid';

export interface IntegrationErrorDetails {
  system: IntegrationSystem;
  operation: string;
  /** HTTP status when the system answered; undefined for network failures and timeouts. */
  status?: number;
  /** Vendor error code (AWS error name, CML error code, ...), when one was given. */
  code?: string;
  message?: string;
  /** Server-requested wait before retrying (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** Overrides the kind's default retryability (e.g. EC2 capacity errors are Unavailable but futile to retry at once). */
  retryable?: boolean;
  cause?: unknown;
}

export abstract class IntegrationError extends Error {
  abstract readonly kind: IntegrationErrorKind;
  readonly system: IntegrationSystem;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
  private readonly retryableOverride: boolean | undefined;

  constructor(details: IntegrationErrorDetails) {
    const statusText = details.status === undefined ? 'no response' : `HTTP ${details.status}`;
    super(`${details.system} ${details.operation} failed (${statusText})${details.message ? `: ${details.message}` : ''}`, {
      cause: details.cause,
    });
    this.name = new.target.name;
    this.system = details.system;
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.retryableOverride = details.retryable;
  }

  /** Whether repeating the same request later may succeed; the retry helper also requires the call to be idempotent. */
  get retryable(): boolean {
    return this.retryableOverride ?? (this.kind === 'throttled' || this.kind === 'unavailable');
  }
}

/** The addressed resource does not exist (or no longer exists). */
export class NotFoundError extends IntegrationError {
  readonly kind = 'not_found' as const;
}
/** The request is valid but clashes with the resource's current state (wrong lifecycle state, duplicate, capacity). */
export class ConflictError extends IntegrationError {
  readonly kind = 'conflict' as const;
}
/** Credentials missing, expired, rejected or not allowed to do this. */
export class UnauthorizedError extends IntegrationError {
  readonly kind = 'unauthorized' as const;
}
/** The system asked us to slow down; safe to retry after a pause. */
export class ThrottledError extends IntegrationError {
  readonly kind = 'throttled' as const;
}
/** The system could not be reached, timed out or failed internally; the request may or may not have been applied. */
export class UnavailableError extends IntegrationError {
  readonly kind = 'unavailable' as const;
}
/** The request (or the system's response) does not satisfy the contract; repeating it will not help. */
export class InvalidError extends IntegrationError {
  readonly kind = 'invalid' as const;
}

const errorClassByKind = {
  not_found: NotFoundError,
  conflict: ConflictError,
  unauthorized: UnauthorizedError,
  throttled: ThrottledError,
  unavailable: UnavailableError,
  invalid: InvalidError,
} as const;

export function integrationError(kind: IntegrationErrorKind, details: IntegrationErrorDetails): IntegrationError {
  return new errorClassByKind[kind](details);
}

export const isIntegrationError = (error: unknown): error is IntegrationError => error instanceof IntegrationError;
export const isNotFound = (error: unknown): error is NotFoundError => error instanceof NotFoundError;
export const isConflict = (error: unknown): error is ConflictError => error instanceof ConflictError;
export const isUnauthorized = (error: unknown): error is UnauthorizedError => error instanceof UnauthorizedError;
export const isThrottled = (error: unknown): error is ThrottledError => error instanceof ThrottledError;
export const isUnavailable = (error: unknown): error is UnavailableError => error instanceof UnavailableError;
export const isInvalid = (error: unknown): error is InvalidError => error instanceof InvalidError;
