import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type RequestActor } from '../auth/user-authenticator';

/** Name of the authenticated caller (user subject or controller name), for audit and status history. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return request.actor?.name ?? 'anonymous';
});

/** The authenticated caller with its roles (the auth guard has run on every contract route). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): RequestActor => {
  const actor = context.switchToHttp().getRequest<FastifyRequest>().actor;
  if (!actor) throw new Error('@Caller() used on a route the auth guard did not authenticate');
  return actor;
});
