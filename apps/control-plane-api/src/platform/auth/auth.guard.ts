import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { INTERNAL_ACTOR_HEADER, INTERNAL_API_KEY_HEADER, type Route } from '@lcm/contracts';
import { APP_CONFIG } from '../app-config.token';
import { type AppConfig } from '../../config/env.schema';
import { ApiError } from '../http/api-error';
import { CONTRACT_ROUTE } from '../http/contract-route';
import { matchesApiKey } from './api-key';
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

/**
 * Internal routes need one of the controllers' API keys; public routes a bearer token whose roles
 * include one the route allows (spec §5.1). Routes that are not contract routes (health, docs) are open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = Reflect.getMetadata(CONTRACT_ROUTE, context.getHandler()) as Route | undefined;
    if (!route) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.actor = route.auth === 'internal' ? this.controller(request) : await this.user(request, route);
    return true;
  }

  private controller(request: FastifyRequest): RequestActor {
    const key = request.headers[INTERNAL_API_KEY_HEADER];
    if (!matchesApiKey(typeof key === 'string' ? key : undefined, this.config.INTERNAL_API_KEYS)) {
      throw new ApiError('UNAUTHORIZED', `a valid ${INTERNAL_API_KEY_HEADER} header is required`);
    }
    const name = request.headers[INTERNAL_ACTOR_HEADER];
    return { kind: 'controller', name: typeof name === 'string' && name ? name : 'controller', roles: [] };
  }

  private async user(request: FastifyRequest, route: Route): Promise<RequestActor> {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token) throw new ApiError('UNAUTHORIZED', 'a bearer token is required');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new ApiError('UNAUTHORIZED', `invalid bearer token: ${error.message}`);
      throw error;
    }
    const allowed = route.roles ?? [];
    if (!principal.roles.some((role) => allowed.includes(role))) {
      throw new ApiError('FORBIDDEN', `${route.method} ${route.path} needs one of the roles ${allowed.join(', ')}`);
    }
    return { kind: 'user', name: principal.subject, roles: principal.roles };
  }
}
