import { CORRELATION_ID_HEADER, type ErrorCode, ProblemDetails } from '@lcm/contracts';
import { type CpaError, errorClassForStatus } from './errors';

export interface ReceivedAnswer {
  status: number;
  bodyText: string;
  headers: Record<string, unknown>;
}

export interface SentRequest {
  method: string;
  path: string;
  correlationId: string | undefined;
}

/** Codes for error answers without a problem document, e.g. an HTML 502 page from a proxy. */
const FALLBACK_CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'CONSTRAINT_VIOLATION',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
};

const fallbackCode = (status: number): ErrorCode =>
  FALLBACK_CODE_BY_STATUS[status] ?? (status >= 500 ? 'DEPENDENCY_UNAVAILABLE' : 'INVALID_REQUEST');

const MAX_DETAIL_CHARS = 300;

export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const headerText = (headers: Record<string, unknown>, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3). */
export const parseRetryAfterMs = (
  value: string | undefined,
  now: number = Date.now(),
): number | undefined => {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** Turns an error answer into the typed error of its status, with the problem document's fields when CPA sent one. */
export function errorFromAnswer(request: SentRequest, answer: ReceivedAnswer): CpaError {
  const ErrorClass = errorClassForStatus(answer.status);
  const problem = ProblemDetails.safeParse(parseJson(answer.bodyText));
  const common = {
    method: request.method,
    path: request.path,
    status: answer.status,
    retryAfterMs: parseRetryAfterMs(headerText(answer.headers, 'retry-after')),
  };
  const answeredCorrelationId = headerText(answer.headers, CORRELATION_ID_HEADER) ?? request.correlationId;
  if (!problem.success) {
    const detail = answer.bodyText.trim().slice(0, MAX_DETAIL_CHARS);
    return new ErrorClass({
      ...common,
      code: fallbackCode(answer.status),
      detail: detail || undefined,
      correlationId: answeredCorrelationId,
    });
  }
  return new ErrorClass({
    ...common,
    code: problem.data.code,
    detail: problem.data.detail ?? problem.data.title,
    fieldErrors: problem.data.errors,
    currentStatus: problem.data.current_status,
    requestedStatus: problem.data.requested_status,
    correlationId: problem.data.correlation_id ?? answeredCorrelationId,
  });
}
