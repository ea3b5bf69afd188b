import { BearerTokenCache, withBearerToken } from './bearer-token';
import { ConflictError, UnauthorizedError } from './errors';

const expired = () => new UnauthorizedError({ system: 'cml', operation: 'getLab', status: 401 });

describe('BearerTokenCache', () => {
  it('authenticates once for concurrent callers', async () => {
    let issued = 0;
    const cache = new BearerTokenCache(async () => ({ value: `token-${++issued}` }));
    const tokens = await Promise.all([cache.token(), cache.token(), cache.token()]);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    expect(issued).toBe(1);
  });

  it('renews a token that is about to expire', async () => {
    let now = 0;
    let issued = 0;
    const cache = new BearerTokenCache(async () => ({ value: `token-${++issued}`, expiresAtMs: now + 60_000 }), () => now);
    expect(await cache.token()).toBe('token-1');
    now = 20_000;
    expect(await cache.token()).toBe('token-1');
    now = 31_000;
    expect(await cache.token()).toBe('token-2');
  });

  it('keeps a newer token when an older one is invalidated late', async () => {
    let issued = 0;
    const cache = new BearerTokenCache(async () => ({ value: `token-${++issued}` }));
    await cache.token();
    cache.invalidate('token-1');
    expect(await cache.token()).toBe('token-2');
    cache.invalidate('token-1');
    expect(await cache.token()).toBe('token-2');
  });
});

describe('withBearerToken', () => {
  it('re-authenticates once and replays after a 401', async () => {
    let issued = 0;
    const cache = new BearerTokenCache(async () => ({ value: `token-${++issued}` }));
    const seen: string[] = [];
    const result = await withBearerToken(cache, async (authorization) => {
      seen.push(authorization);
      if (authorization === 'Bearer token-1') throw expired();
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('surfaces a second 401 instead of looping', async () => {
    const cache = new BearerTokenCache(async () => ({ value: 'token' }));
    const send = jest.fn(async () => {
      throw expired();
    });
    await expect(withBearerToken(cache, send)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('does not replay a 403, which a fresh token cannot fix', async () => {
    const cache = new BearerTokenCache(async () => ({ value: 'token' }));
    const send = jest.fn(async () => {
      throw new UnauthorizedError({ system: 'grading', operation: 'getSession', status: 403 });
    });
    await expect(withBearerToken(cache, send)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('passes other failures through untouched', async () => {
    const cache = new BearerTokenCache(async () => ({ value: 'token' }));
    const conflict = new ConflictError({ system: 'cml', operation: 'wipeLab', status: 409 });
    await expect(withBearerToken(cache, async () => Promise.reject(conflict))).rejects.toBe(conflict);
  });
});
