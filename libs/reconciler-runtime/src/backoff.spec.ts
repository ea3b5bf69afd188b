import { DEFAULT_BACKOFF, KeyedBackoff } from './backoff';

describe('KeyedBackoff', () => {
  it('doubles from 1 s to a 60 s ceiling per key', () => {
    const backoff = new KeyedBackoff(DEFAULT_BACKOFF);
    const delays = Array.from({ length: 9 }, () => backoff.nextDelay('a'));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoff.nextDelay('b')).toBe(1_000);
  });

  it('starts again from the first delay after a success', () => {
    const backoff = new KeyedBackoff();
    backoff.nextDelay('a');
    backoff.nextDelay('a');
    backoff.forget('a');
    expect(backoff.failuresOf('a')).toBe(0);
    expect(backoff.nextDelay('a')).toBe(1_000);
  });

  it('escalates to the long delay once a key failed often enough in a row', () => {
    const backoff = new KeyedBackoff({ initialMs: 1_000, maxMs: 60_000, escalation: { afterFailures: 5, delayMs: 300_000 } });
    const delays = Array.from({ length: 6 }, () => backoff.nextDelay('s'));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 300_000, 300_000]);
  });
});
