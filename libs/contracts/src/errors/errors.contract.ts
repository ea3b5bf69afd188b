import { z } from 'zod';

export const ErrorCode = z.enum([
  'VALIDATION_FAILED',
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'INVALID_TRANSITION',
  'VERSION_CONFLICT',
  'DUPLICATE',
  'CONFLICT',
  'STALE_LEADER',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'CAPACITY_EXCEEDED',
  'PORTS_EXHAUSTED',
  'WORKER_NOT_ACCEPTING',
  'CONSTRAINT_VIOLATION',
  'UNSUPPORTED_FEATURE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'DEPENDENCY_UNAVAILABLE',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * The one mapping from error code to HTTP status (spec §5.1). Typed as a full Record so that a new
 * code does not compile until it has a status.
 */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  // A well-formed request the rules refuse: definition not active, timeslot in the past, template disabled.
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INVALID_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  DUPLICATE: 409,
  // The target's current state forbids the request: template in use, another lab action pending, regional maximum reached.
  CONFLICT: 409,
  // A controller replica wrote with a leader term older than the current leader's (docs/decisions/reconcilers.md).
  STALE_LEADER: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  CAPACITY_EXCEEDED: 422,
  PORTS_EXHAUSTED: 422,
  WORKER_NOT_ACCEPTING: 422,
  CONSTRAINT_VIOLATION: 422,
  UNSUPPORTED_FEATURE: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  DEPENDENCY_UNAVAILABLE: 503,
};

export const FieldError = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** RFC 9457 problem document, extended with LCM's stable `code` and transition details. */
export const ProblemDetails = z.object({
  type: z.string().min(1),
  title: z.string().min(1),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: ErrorCode,
  errors: z.array(FieldError).optional(),
  current_status: z.string().optional(),
  requested_status: z.string().optional(),
  correlation_id: z.string().optional(),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Stable `type` URI of a problem, one per code. */
export const problemTypeUri = (code: ErrorCode): string =>
  `urn:lcm:problem:${code.toLowerCase().replaceAll('_', '-')}`;

const fieldPath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/**
 * Field errors of a failed parse, one per offending field. Unknown keys are reported under their
 * own path (zod reports them on the parent object), so a 400 names the exact rejected field.
 */
export const toFieldErrors = (error: z.ZodError): FieldError[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), message: 'unknown field' }))
      : [{ field: fieldPath(issue.path), message: issue.message }],
  );
