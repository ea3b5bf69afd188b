import { type IntegrationError, isIntegrationError } from './errors';

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error surfaces and the caller's reconcile loop requeues. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** What a failure must say about itself to be retried. */
export interface RetryableFailure {
  readonly retryable: boolean;
  readonly retryAfterMs?: number | undefined;
}

export interface RetryContext<E extends RetryableFailure = IntegrationError> {
  /** Only idempotent calls are repeated; a non-idempotent call surfaces its first failure. */
  idempotent: boolean;
  /** Recognises the failures this caller's errors describe; anything else is never retried. */
  recognise?: (error: unknown) => error is E;
  policy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: E }) => void;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "Full jitter" (AWS architecture blog): uniform in [0, min(max, base * 2^(attempt-1))]. */
export function fullJitterDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export async function withRetry<T, E extends RetryableFailure = IntegrationError>(
  action: (attempt: number) => Promise<T>,
  context: RetryContext<E>,
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...context.policy };
  const recognise = context.recognise ?? (isIntegrationError as unknown as (error: unknown) => error is E);
  const sleep = context.sleep ?? realSleep;
  const random = context.random ?? Math.random;
  const attempts = context.idempotent ? Math.max(1, policy.maxAttempts) : 1;

  for (let attempt = 1; ; attempt++) {
    try {
      return await action(attempt);
    } catch (error) {
      if (attempt >= attempts || !recognise(error) || !error.retryable) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
      const delayMs = Math.max(error.retryAfterMs ?? 0, fullJitterDelayMs(attempt, policy, random));
      context.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
