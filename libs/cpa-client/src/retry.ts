import { type HttpMethod } from '@lcm/contracts';
import { isCpaError } from './errors';

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is not waited for: the error surfaces and the caller's reconcile loop requeues. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

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

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "Full jitter" (AWS architecture blog): uniform in [0, min(max, base * 2^(attempt-1))). */
export const fullJitterDelayMs = (attempt: number, policy: RetryPolicy, random: () => number): number =>
  Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));

/** Repeats `send` on retryable CPA errors, only when the call is idempotent and within the policy's attempts. */
export async function withRetry<T>(
  send: () => Promise<T>,
  idempotent: boolean,
  options: RetryOptions,
): Promise<T> {
  const { sleep = realSleep, random = Math.random, ...overrides } = options;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  const attempts = idempotent ? Math.max(1, policy.maxAttempts) : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= attempts || !isCpaError(error) || !error.retryable) throw error;
      const retryAfterMs = error.retryAfterMs ?? 0;
      if (retryAfterMs > policy.maxRetryAfterMs) throw error;
      await sleep(Math.max(retryAfterMs, fullJitterDelayMs(attempt, policy, random)));
    }
  }
}
