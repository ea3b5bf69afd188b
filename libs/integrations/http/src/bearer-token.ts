import { isUnauthorized } from './errors';

export interface IssuedToken {
  value: string;
  /** Absolute expiry (epoch ms) when the issuer states one; the cache renews shortly before it. */
  expiresAtMs?: number;
}

const RENEW_BEFORE_EXPIRY_MS = 30_000;

/**
 * One cached bearer token per client instance. Concurrent callers share a single in-flight
 * authentication, so a burst of requests after expiry logs in once.
 */
export class BearerTokenCache {
  private current: IssuedToken | undefined;
  private pending: Promise<IssuedToken> | undefined;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    if (this.current && !this.isNearExpiry(this.current)) return this.current.value;
    this.pending ??= this.issue().finally(() => {
      this.pending = undefined;
    });
    const issued = await this.pending;
    this.current = issued;
    return issued.value;
  }

  /** Drops the token only if it is still the one that failed, so a fresher token from a parallel re-auth survives. */
  invalidate(failedToken: string): void {
    if (this.current?.value === failedToken) this.current = undefined;
  }

  private isNearExpiry(token: IssuedToken): boolean {
    return token.expiresAtMs !== undefined && token.expiresAtMs - RENEW_BEFORE_EXPIRY_MS <= this.now();
  }
}

/**
 * Runs `send` with a bearer token; on a 401 (token expired or revoked server-side) it drops the
 * token, authenticates once more and replays once. A second 401 surfaces. 403 is never replayed:
 * it means "not allowed", which a new token does not change.
 */
export async function withBearerToken<T>(cache: BearerTokenCache, send: (authorization: string) => Promise<T>): Promise<T> {
  const token = await cache.token();
  try {
    return await send(`Bearer ${token}`);
  } catch (error) {
    if (!isUnauthorized(error) || error.status !== 401) throw error;
    cache.invalidate(token);
    return send(`Bearer ${await cache.token()}`);
  }
}
