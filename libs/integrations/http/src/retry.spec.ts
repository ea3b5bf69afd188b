import { InvalidError, ThrottledError, UnavailableError } from './errors';
import { DEFAULT_RETRY_POLICY, fullJitterDelayMs, withRetry } from './retry';

const unavailable = () => new UnavailableError({ system: 'cml', operation: 'getLab', status: 503 });

function scripted<T>(outcomes: Array<Error | T>) {
  const calls: number[] = [];
  const action = async (attempt: number): Promise<T> => {
    calls.push(attempt);
    const outcome = outcomes[attempt - 1];
    if (outcome instanceof Error) throw outcome;
    return outcome as T;
  };
  return { action, calls };
}

describe('withRetry', () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  beforeEach(() => (sleeps.length = 0));

  it('retries an idempotent call after Unavailable and returns the later success', async () => {
    const { action, calls } = scripted([unavailable(), unavailable(), 'ok']);
    await expect(withRetry(action, { idempotent: true, sleep, random: () => 0.5 })).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([100, 200]);
  });

  it('stops after maxAttempts and throws the last error', async () => {
    const last = unavailable();
    const { action, calls } = scripted([unavailable(), unavailable(), last, 'never']);
    await expect(withRetry(action, { idempotent: true, sleep, random: () => 0 })).rejects.toBe(last);
    expect(calls).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it('never repeats a non-idempotent call, even when the failure is retryable', async () => {
    const failure = new ThrottledError({ system: 'lds', operation: 'createSession', status: 429 });
    const { action, calls } = scripted([failure, 'ok']);
    await expect(withRetry(action, { idempotent: false, sleep })).rejects.toBe(failure);
    expect(calls).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('does not retry errors that repeating cannot fix', async () => {
    const failure = new InvalidError({ system: 'grading', operation: 'createSession', status: 400 });
    const { action, calls } = scripted([failure, 'ok']);
    await expect(withRetry(action, { idempotent: true, sleep })).rejects.toBe(failure);
    expect(calls).toEqual([1]);
  });

  it('does not retry an Unavailable error marked as not retryable', async () => {
    const capacity = new UnavailableError({ system: 'aws', operation: 'launchInstance', code: 'InsufficientInstanceCapacity', retryable: false });
    const { action, calls } = scripted([capacity, 'ok']);
    await expect(withRetry(action, { idempotent: true, sleep })).rejects.toBe(capacity);
    expect(calls).toEqual([1]);
  });

  it('does not retry errors that are not integration errors', async () => {
    const bug = new TypeError('programming error');
    const { action, calls } = scripted([bug, 'ok']);
    await expect(withRetry(action, { idempotent: true, sleep })).rejects.toBe(bug);
    expect(calls).toEqual([1]);
  });

  it('waits at least the Retry-After the server asked for', async () => {
    const throttled = new ThrottledError({ system: 'cml', operation: 'getLab', status: 429, retryAfterMs: 2_000 });
    const { action } = scripted([throttled, 'ok']);
    await withRetry(action, { idempotent: true, sleep, random: () => 0.1 });
    expect(sleeps).toEqual([2_000]);
  });

  it('surfaces a Retry-After longer than the policy allows instead of blocking', async () => {
    const throttled = new ThrottledError({ system: 'cml', operation: 'getLab', status: 429, retryAfterMs: 120_000 });
    const { action, calls } = scripted([throttled, 'ok']);
    await expect(withRetry(action, { idempotent: true, sleep })).rejects.toBe(throttled);
    expect(calls).toEqual([1]);
  });

  it('reports each retry with its delay', async () => {
    const onRetry = jest.fn();
    const { action } = scripted([unavailable(), 'ok']);
    await withRetry(action, { idempotent: true, sleep, random: () => 0.25, onRetry });
    expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, delayMs: 50 }));
  });
});

describe('fullJitterDelayMs', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the ceiling per attempt and scales it by the random draw', () => {
    expect(fullJitterDelayMs(1, policy, () => 0.999)).toBe(99);
    expect(fullJitterDelayMs(2, policy, () => 0.5)).toBe(100);
    expect(fullJitterDelayMs(3, policy, () => 0.5)).toBe(200);
  });

  it('caps the ceiling at maxDelayMs', () => {
    expect(fullJitterDelayMs(10, policy, () => 0.5)).toBe(500);
  });

  it('can be zero (full jitter spreads clients over the whole window)', () => {
    expect(fullJitterDelayMs(4, policy, () => 0)).toBe(0);
  });
});
