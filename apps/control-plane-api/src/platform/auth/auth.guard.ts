import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import {
  INTERNAL_ACTOR_HEADER,
  INTERNAL_API_KEY_HEADER,
  LEADER_TERM_HEADER,
  type Route,
} from '@lcm/contracts';
import { APP_CONFIG } from '../app-config.token';
import { type AppConfig } from '../../config/env.schema';
import { ApiError } from '../http/api-error';
import { CONTRACT_ROUTE } from '../http/contract-route';
import { matchesApiKey } from './api-key';
import { LeaderFencing } from './leader-fencing';
import { UserAuthenticator } from './user-authenticator';

/**
 * Internal routes need one of the controllers' API keys; public routes a bearer token with a role
 * the route allows. Routes that are not contract routes (health, docs) authenticate themselves or are open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserAuthenticator,
    private readonly fencing: LeaderFencing,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = Reflect.getMetadata(CONTRACT_ROUTE, context.getHandler()) as Route | undefined;
    if (!route) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (route.auth === 'public') {
      await this.users.authenticate(request, route.roles ?? []);
      return true;
    }
    const key = request.headers[INTERNAL_API_KEY_HEADER];
    if (!matchesApiKey(typeof key === 'string' ? key : undefined, this.config.INTERNAL_API_KEYS)) {
      throw new ApiError('UNAUTHORIZED', `a valid ${INTERNAL_API_KEY_HEADER} header is required`);
    }
    if (route.method !== 'GET') this.fencing.check(request.headers[LEADER_TERM_HEADER]);
    const name = request.headers[INTERNAL_ACTOR_HEADER];
    request.actor = {
      kind: 'controller',
      name: typeof name === 'string' && name ? name : 'controller',
      roles: [],
    };
    return true;
  }
}
