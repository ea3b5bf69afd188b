import { Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type Role } from '@lcm/contracts';
import { ApiError } from '../http/api-error';
import { readCookies } from './session-login/http-cookies';
import {
  CSRF_HEADER,
  csrfTokenMatches,
  SESSION_COOKIE,
  SessionCookieCodec,
} from './session-login/session-cookie';
import { SESSION_CODEC } from './session-login/session-login.tokens';
import { InvalidTokenError, type Principal, type TokenVerifier } from './token-verifier';

export const TOKEN_VERIFIER = Symbol('lcm:token-verifier');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who made a request; recorded as the actor of audit entries and status history. */
export interface RequestActor {
  kind: 'controller' | 'user';
  name: string;
  roles: Principal['roles'];
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: RequestActor;
  }
}

/**
 * Verifies a user's bearer token, or else the dashboard's session cookie, and that one of its
 * roles is allowed (spec §5.1).
 */
@Injectable()
export class UserAuthenticator {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SESSION_CODEC) private readonly sessions: SessionCookieCodec | null,
  ) {}

  async authenticate(
    request: FastifyRequest,
    allowed: readonly Role[],
    tokenOverride?: string,
  ): Promise<RequestActor> {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ')
      ? header.slice('Bearer '.length).trim()
      : (tokenOverride ?? '');
    const principal = token ? await this.verifyToken(token) : await this.readSessionCookie(request);
    if (!principal.roles.some((role) => allowed.includes(role))) {
      throw new ApiError('FORBIDDEN', `this needs one of the roles ${allowed.join(', ')}`);
    }
    request.actor = { kind: 'user', name: principal.subject, roles: principal.roles };
    return request.actor;
  }

  private async verifyToken(token: string): Promise<Principal> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new ApiError('UNAUTHORIZED', `invalid bearer token: ${error.message}`);
      throw error;
    }
  }

  private async readSessionCookie(request: FastifyRequest): Promise<Principal> {
    const cookie = readCookies(request.headers.cookie).get(SESSION_COOKIE);
    const session = cookie && this.sessions ? await this.sessions.read(cookie) : undefined;
    if (!session) throw new ApiError('UNAUTHORIZED', 'a bearer token or a dashboard login is required');
    // Browsers attach cookies to requests other sites trigger; a change must prove it came from
    // the dashboard's own script, which alone can read the CSRF cookie.
    const presented = request.headers[CSRF_HEADER];
    if (
      !SAFE_METHODS.has(request.method) &&
      !csrfTokenMatches(session, typeof presented === 'string' ? presented : undefined)
    )
      throw new ApiError('FORBIDDEN', `a cookie-authenticated change needs the ${CSRF_HEADER} header`);
    return session;
  }
}
