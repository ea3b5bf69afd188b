import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { Role } from '@lcm/contracts';
import { type Principal } from '../token-verifier';
import { type LoginTransaction } from './oidc-login-client';

export const SESSION_COOKIE = 'lcm_session';
/** Readable by the dashboard's script, which echoes it in CSRF_HEADER on every mutating call. */
export const CSRF_COOKIE = 'lcm_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SESSION_ISSUER = 'lcm-control-plane';
const SESSION_AUDIENCE = 'lcm-dashboard-session';
const LOGIN_AUDIENCE = 'lcm-dashboard-login';
/** A login started and not finished within this is abandoned. */
export const LOGIN_TTL_SECONDS = 600;

export interface DashboardSession extends Principal {
  /** Bound into the signed cookie, so a forged CSRF cookie without the session is useless. */
  csrfToken: string;
}

/**
 * The dashboard's login session (spec §2): subject and roles taken from the OIDC ID token at
 * login, signed with SESSION_SECRET so the browser can hold it but never change it.
 */
export class SessionCookieCodec {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(principal: Principal): Promise<{ cookie: string; csrfToken: string }> {
    const csrfToken = randomBytes(24).toString('base64url');
    const cookie = await this.sign(
      { sub: principal.subject, roles: principal.roles, csrf: csrfToken },
      SESSION_AUDIENCE,
      this.ttlSeconds,
    );
    return { cookie, csrfToken };
  }

  /** The session, or undefined when the cookie is forged, expired or from another secret. */
  async read(cookie: string): Promise<DashboardSession | undefined> {
    const payload = await this.verify(cookie, SESSION_AUDIENCE);
    if (!payload) return undefined;
    const roles = Array.isArray(payload['roles'])
      ? payload['roles'].filter((role): role is Role => Role.safeParse(role).success)
      : [];
    const csrf = payload['csrf'];
    if (!payload.sub || typeof csrf !== 'string') return undefined;
    return { subject: payload.sub, roles, csrfToken: csrf };
  }

  sign(claims: JWTPayload, audience: string, ttlSeconds: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(SESSION_ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(value: string, audience: string): Promise<JWTPayload | undefined> {
    try {
      return (await jwtVerify(value, this.key, { issuer: SESSION_ISSUER, audience })).payload;
    } catch {
      return undefined;
    }
  }
}

/** Login state that must come back unchanged with the callback (state, nonce, PKCE verifier). */
export async function sealLoginTransaction(
  codec: SessionCookieCodec,
  transaction: LoginTransaction,
): Promise<string> {
  return codec.sign({ ...transaction }, LOGIN_AUDIENCE, LOGIN_TTL_SECONDS);
}

export async function openLoginTransaction(
  codec: SessionCookieCodec,
  sealed: string,
): Promise<LoginTransaction | undefined> {
  const payload = await codec.verify(sealed, LOGIN_AUDIENCE);
  const { state, nonce, codeVerifier, returnTo } = payload ?? {};
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string')
    return undefined;
  return { state, nonce, codeVerifier, returnTo: typeof returnTo === 'string' ? returnTo : '/' };
}

export function csrfTokenMatches(session: DashboardSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
