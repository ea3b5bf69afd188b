import { HttpException } from '@nestjs/common';
import {
  MongoClientClosedError,
  MongoExpiredSessionError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { type ErrorCode, ERROR_HTTP_STATUS, type ProblemDetails, problemTypeUri } from '@lcm/contracts';
import { DomainError, type DomainErrorCode, InvalidTransitionError } from '@lcm/domain';
import {
  ConcurrencyConflictError,
  DocumentNotFoundError,
  DuplicateDocumentError,
} from '../mongo/versioned-collection';
import { InvalidCursorError } from '../mongo/page-cursor';
import { ApiError } from './api-error';

/** Domain refusals as API codes; a Record so a new domain code fails to compile until mapped. */
const DOMAIN_TO_API: Record<DomainErrorCode, ErrorCode> = {
  'SESSION.INVALID_TRANSITION': 'INVALID_TRANSITION',
  'LAB_RECORD.INVALID_TRANSITION': 'INVALID_TRANSITION',
  'WORKER.INVALID_TRANSITION': 'INVALID_TRANSITION',
  'USER_SESSION.INVALID_TRANSITION': 'INVALID_TRANSITION',
  'GRADING_SESSION.INVALID_TRANSITION': 'INVALID_TRANSITION',
  'DEFINITION.INVALID_TRANSITION': 'INVALID_TRANSITION',
  CONCURRENCY_CONFLICT: 'VERSION_CONFLICT',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  'SESSION.INVALID_TIMESLOT': 'INVALID_REQUEST',
  'SESSION.TIMESLOT_NOT_ENDED': 'CONFLICT',
  'SESSION.SCORE_ALREADY_RECORDED': 'CONFLICT',
  'SESSION.CHILD_MISMATCH': 'CONFLICT',
  'SESSION.LAB_BINDING_REFUSED': 'CONFLICT',
  'DEFINITION.NOT_ACTIVE': 'INVALID_REQUEST',
  'DEFINITION.MULTI_LAB_NOT_SUPPORTED': 'UNSUPPORTED_FEATURE',
  'WORKER.NOT_ACCEPTING': 'WORKER_NOT_ACCEPTING',
  'WORKER.CAPACITY_EXCEEDED': 'CAPACITY_EXCEEDED',
  'WORKER.PORTS_EXHAUSTED': 'PORTS_EXHAUSTED',
  'WORKER.PORT_CONFLICT': 'CONSTRAINT_VIOLATION',
  'LAB_RECORD.ACTION_PENDING': 'CONFLICT',
  'LAB_RECORD.NO_PENDING_ACTION': 'CONFLICT',
  // A well-formed write the record's final status refuses: a state conflict, like an invalid transition.
  'LAB_RECORD.TERMINAL': 'CONFLICT',
  'LAB_RECORD.LAB_ID_FIXED': 'CONFLICT',
};

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'DEPENDENCY_UNAVAILABLE',
};

const TITLES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid',
  NOT_FOUND: 'Not found',
  INVALID_TRANSITION: 'That status change is not allowed',
  VERSION_CONFLICT: 'Changed by someone else; read it again and retry',
  UNAUTHORIZED: 'Authentication required',
  FORBIDDEN: 'Not allowed for your role',
  INTERNAL_ERROR: 'Internal error',
  DEPENDENCY_UNAVAILABLE: 'Temporarily unavailable',
};

function problem(
  code: ErrorCode,
  detail: string,
  extras: Partial<ProblemDetails> = {},
  status = ERROR_HTTP_STATUS[code],
): ProblemDetails {
  return {
    type: problemTypeUri(code),
    title: TITLES[code] ?? code.replaceAll('_', ' ').toLowerCase(),
    status,
    code,
    detail,
    ...extras,
  };
}

/** Errors raised by Fastify itself (body parsing, size limit) carry a 4xx statusCode. */
function fastifyClientError(error: unknown): { statusCode: number; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { statusCode, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return null;
  return { statusCode, message: String(message) };
}

/** Seconds a client should wait before retrying a 503 (the store is probed again within that time). */
export const RETRY_AFTER_SECONDS = 5;

/** Connection-level failures of a socket to a dependency. */
const SOCKET_FAILURES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
]);

/**
 * The driver's errors for a client, pool or server closed under a request: the store reconnector
 * (platform/mongo/store-reconnector.ts) replaces a client that stopped answering, and what was in
 * flight on the old one fails with these. The pool's is not exported, so it is known by name.
 */
const CLOSED_UNDER_REQUEST = new Set(['MongoPoolClosedError', 'MongoPoolClearedError']);

/**
 * MongoDB could not be reached (down, unreachable, timed out, its client being replaced): the
 * request may succeed later. The driver mostly wraps these in its network errors, but a write to
 * a socket the server just closed surfaces as the bare Node error (EPIPE), so socket codes count too.
 */
const storeUnavailable = (error: unknown): boolean =>
  error instanceof MongoNetworkError ||
  error instanceof MongoServerSelectionError ||
  error instanceof MongoNotConnectedError ||
  error instanceof MongoTopologyClosedError ||
  error instanceof MongoClientClosedError ||
  error instanceof MongoServerClosedError ||
  error instanceof MongoExpiredSessionError ||
  (error instanceof Error && CLOSED_UNDER_REQUEST.has(error.name)) ||
  (typeof error === 'object' &&
    error !== null &&
    SOCKET_FAILURES.has(String((error as NodeJS.ErrnoException).code)));

/** The one place where any error becomes an RFC 9457 problem document. `null` means: unexpected (500). */
export function toProblem(error: unknown): ProblemDetails | null {
  if (storeUnavailable(error))
    return problem('DEPENDENCY_UNAVAILABLE', 'The data store is not reachable; retry shortly.');
  if (error instanceof ApiError)
    return problem(error.code, error.message, error.fieldErrors ? { errors: error.fieldErrors } : {});
  if (error instanceof InvalidTransitionError) {
    return problem('INVALID_TRANSITION', error.message, {
      current_status: error.current,
      requested_status: error.requested,
    });
  }
  if (error instanceof DomainError) return problem(DOMAIN_TO_API[error.code], error.message);
  if (error instanceof ConcurrencyConflictError) return problem('VERSION_CONFLICT', error.message);
  if (error instanceof DuplicateDocumentError) return problem('DUPLICATE', error.message);
  if (error instanceof DocumentNotFoundError) return problem('NOT_FOUND', error.message);
  if (error instanceof InvalidCursorError)
    return problem('VALIDATION_FAILED', error.message, {
      errors: [{ field: error.field, message: 'invalid cursor' }],
    });
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = STATUS_TO_CODE[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST');
    return problem(code, error.message, {}, status);
  }
  const fastifyError = fastifyClientError(error);
  if (fastifyError) {
    const code = STATUS_TO_CODE[fastifyError.statusCode] ?? 'INVALID_REQUEST';
    return problem(code, fastifyError.message, {}, fastifyError.statusCode);
  }
  return null;
}

/** A problem document for a refusal made outside a handler (routing, connection-level limits). */
export const problemOf = (code: ErrorCode, detail: string): ProblemDetails => problem(code, detail);

export function internalErrorProblem(): ProblemDetails {
  return problem('INTERNAL_ERROR', 'The server failed to handle the request; it has been logged.');
}
