import { z } from 'zod';
import { ConcurrencyConflictError } from './versioned-collection';
import { derivedId, retryOnConflict } from './unit-of-work';

describe('derivedId', () => {
  it('gives the same valid UUID for the same name and different ones for different names', () => {
    const id = derivedId('user-session', 'abc');
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(derivedId('user-session', 'abc')).toBe(id);
    expect(derivedId('score-report', 'abc')).not.toBe(id);
    expect(derivedId('user-session', 'abd')).not.toBe(id);
  });
});

describe('retryOnConflict', () => {
  it('re-runs the work after a version conflict and returns its result', async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw new ConcurrencyConflictError('c', 'id', 1);
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows other errors at once and the last conflict after the bound', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
    await expect(
      retryOnConflict(async () => {
        throw new ConcurrencyConflictError('c', 'id', 1);
      }, 2),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);
  });
});
