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

export interface RetryContext {
  /** Only idempotent calls are repeated; a non-idempotent call surfaces its first failure. */
  idempotent: boolean;
  policy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: IntegrationError }) => void;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "Full jitter" (AWS architecture blog): uniform in [0, min(max, base * 2^(attempt-1))]. */
export function fullJitterDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export async function withRetry<T>(action: (attempt: number) => Promise<T>, context: RetryContext): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...context.policy };
  const sleep = context.sleep ?? realSleep;
  const random = context.random ?? Math.random;
  const attempts = context.idempotent ? Math.max(1, policy.maxAttempts) : 1;

  for (let attempt = 1; ; attempt++) {
    try {
      return await action(attempt);
    } catch (error) {
      if (attempt >= attempts || !isIntegrationError(error) || !error.retryable) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
      const delayMs = Math.max(error.retryAfterMs ?? 0, fullJitterDelayMs(attempt, policy, random));
      context.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
