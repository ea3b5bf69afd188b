import { type ErrorCode, type FieldError } from '@lcm/contracts';

export interface CpaErrorDetails {
  method: string;
  path: string;
  /** HTTP status when CPA answered; undefined when no answer arrived (network failure, timeout). */
  status: number | undefined;
  code: ErrorCode;
  detail?: string;
  fieldErrors?: FieldError[];
  currentStatus?: string;
  requestedStatus?: string;
  correlationId?: string;
  /** Server-requested wait (Retry-After) before trying again. */
  retryAfterMs?: number;
  cause?: unknown;
}

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * A failed CPA call. Callers branch on the subclass (or its `isX` guard) and on `code`, the stable
 * code of the problem document, never on HTTP statuses.
 */
export class CpaError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly fieldErrors: readonly FieldError[];
  readonly currentStatus: string | undefined;
  readonly requestedStatus: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: CpaErrorDetails) {
    const answer = details.status === undefined ? 'no response' : `HTTP ${details.status}`;
    const detail = details.detail ? `: ${details.detail}` : '';
    super(`${details.method} ${details.path} failed (${answer}, ${details.code})${detail}`, {
      cause: details.cause,
    });
    this.name = new.target.name;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.detail = details.detail;
    this.fieldErrors = details.fieldErrors ?? [];
    this.currentStatus = details.currentStatus;
    this.requestedStatus = details.requestedStatus;
    this.correlationId = details.correlationId;
    this.retryAfterMs = details.retryAfterMs;
  }

  /**
   * Whether the same request may succeed later: no answer, throttled, or a gateway/unavailable
   * status. A 500 is not retryable: CPA ran the request and failed, repeating it repeats the bug.
   */
  get retryable(): boolean {
    return this.status === undefined || RETRYABLE_STATUSES.has(this.status);
  }
}

/** 400: a field failed validation or the rules refuse a well-formed request; `fieldErrors` names the fields. */
export class ValidationError extends CpaError {}
/** 401: API key or bearer token missing or wrong. */
export class UnauthorizedError extends CpaError {}
/** 403: authenticated, but the role does not allow the route. */
export class ForbiddenError extends CpaError {}
export class NotFoundError extends CpaError {}
/** 409: the resource's current state forbids the request. */
export class ConflictError extends CpaError {
  /** Someone else wrote the document first: re-read and decide again. */
  get isVersionConflict(): boolean {
    return this.code === 'VERSION_CONFLICT';
  }

  /** The state machine has no edge from `currentStatus` to `requestedStatus`. */
  get isInvalidTransition(): boolean {
    return this.code === 'INVALID_TRANSITION';
  }
}
/** 422: well-formed and allowed, but a capacity or constraint rule refuses it (no capacity, ports exhausted, ...). */
export class UnprocessableError extends CpaError {}
export class RateLimitedError extends CpaError {}
/** 5xx or no answer at all; for a non-idempotent call the request may or may not have been applied. */
export class UnavailableError extends CpaError {}
/** CPA answered something its contract does not declare: an undeclared status or a body that fails the route's schema. */
export class ContractViolationError extends CpaError {}

type CpaErrorClass = new (details: CpaErrorDetails) => CpaError;

const ERROR_CLASS_BY_STATUS: ReadonlyMap<number, CpaErrorClass> = new Map<number, CpaErrorClass>([
  [400, ValidationError],
  [401, UnauthorizedError],
  [403, ForbiddenError],
  [404, NotFoundError],
  [409, ConflictError],
  [422, UnprocessableError],
  [429, RateLimitedError],
]);

/** A 4xx outside the table (405, 413, 415, ...) stays a plain `CpaError`; its `code` still says what went wrong. */
export const errorClassForStatus = (status: number | undefined): CpaErrorClass =>
  status === undefined || status >= 500 ? UnavailableError : (ERROR_CLASS_BY_STATUS.get(status) ?? CpaError);

const isInstance =
  <T extends CpaError>(errorClass: abstract new (...args: never[]) => T) =>
  (error: unknown): error is T =>
    error instanceof errorClass;

export const isCpaError = isInstance(CpaError);
export const isValidationError = isInstance(ValidationError);
export const isUnauthorizedError = isInstance(UnauthorizedError);
export const isForbiddenError = isInstance(ForbiddenError);
export const isNotFoundError = isInstance(NotFoundError);
export const isConflictError = isInstance(ConflictError);
export const isUnprocessableError = isInstance(UnprocessableError);
export const isRateLimitedError = isInstance(RateLimitedError);
export const isUnavailableError = isInstance(UnavailableError);
export const isContractViolationError = isInstance(ContractViolationError);
