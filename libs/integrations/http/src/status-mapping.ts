import { type IntegrationErrorKind } from './errors';

/**
 * Default HTTP status -> error kind mapping shared by every HTTP client. Clients override single
 * statuses per operation where the remote API is known to deviate (e.g. CML answers 400 for an
 * unknown node), see `HttpCallSpec.statusOverrides`.
 */
export function errorKindForStatus(status: number): IntegrationErrorKind {
  switch (status) {
    case 401:
    case 403:
      return 'unauthorized';
    case 404:
    case 410:
      return 'not_found';
    case 409:
    case 412:
    case 423:
      return 'conflict';
    case 429:
      return 'throttled';
    case 408:
      return 'unavailable';
    default:
      return status >= 500 ? 'unavailable' : 'invalid';
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(headerValue: unknown, now: () => number = Date.now): number | undefined {
  if (typeof headerValue !== 'string' || headerValue.trim() === '') return undefined;
  const trimmed = headerValue.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now());
}

/** Pulls a human-readable reason out of the error bodies the four systems use. */
export function describeErrorBody(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') {
    const text = body.trim();
    return text ? { message: text.slice(0, 500) } : {};
  }
  if (body === null || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  // CML: { code, description }; RFC 7807: { title, detail, errors }; others: { message } / { error }.
  const message = [record['description'], record['detail'], record['title'], record['message'], record['error']].find(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  const fieldErrors =
    record['errors'] && typeof record['errors'] === 'object' ? ` ${JSON.stringify(record['errors'])}` : '';
  const rawCode = record['code'];
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : undefined;
  return {
    ...(message || fieldErrors ? { message: `${message ?? ''}${fieldErrors}`.trim() } : {}),
    ...(code ? { code } : {}),
  };
}
