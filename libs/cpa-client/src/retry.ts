import { type HttpMethod } from '@lcm/contracts';
import { type RetryPolicy, withRetry } from '@lcm/integrations/http';
import { type CpaError, isCpaError } from './errors';

export { DEFAULT_RETRY_POLICY, type RetryPolicy } from '@lcm/integrations/http';

export interface RetryOptions extends Partial<RetryPolicy> {
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

/**
 * Methods whose repetition has the same effect as one request. POST and PATCH are not: a POST whose
 * answer was lost may have been applied, and repeating it would fail with 409 or act twice.
 */
const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

export const isIdempotentMethod = (method: HttpMethod): boolean => IDEMPOTENT_METHODS.has(method);

/** Repeats `send` on retryable CPA errors, only when the call is idempotent and within the policy's attempts. */
export function retryCpaCall<T>(
  send: () => Promise<T>,
  idempotent: boolean,
  options: RetryOptions,
): Promise<T> {
  const { sleep, random, ...policy } = options;
  return withRetry<T, CpaError>(send, {
    idempotent,
    recognise: isCpaError,
    policy,
    ...(sleep ? { sleep } : {}),
    ...(random ? { random } : {}),
  });
}
