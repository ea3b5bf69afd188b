import { Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type Role } from '@lcm/contracts';
import { ApiError } from '../http/api-error';
import { InvalidTokenError, type Principal, type TokenVerifier } from './token-verifier';

export const TOKEN_VERIFIER = Symbol('lcm:token-verifier');

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

/** Verifies a user's bearer token and that one of its roles is allowed (spec §5.1). */
@Injectable()
export class UserAuthenticator {
  constructor(@Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier) {}

  async authenticate(
    request: FastifyRequest,
    allowed: readonly Role[],
    tokenOverride?: string,
  ): Promise<RequestActor> {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ')
      ? header.slice('Bearer '.length).trim()
      : (tokenOverride ?? '');
    if (!token) throw new ApiError('UNAUTHORIZED', 'a bearer token is required');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new ApiError('UNAUTHORIZED', `invalid bearer token: ${error.message}`);
      throw error;
    }
    if (!principal.roles.some((role) => allowed.includes(role))) {
      throw new ApiError('FORBIDDEN', `this needs one of the roles ${allowed.join(', ')}`);
    }
    request.actor = { kind: 'user', name: principal.subject, roles: principal.roles };
    return request.actor;
  }
}
