import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector } from './faults';

/** Builds the simulator-specific error body for an injected status (CML, LDS and Mozart differ). */
export type ErrorBodyFactory = (status: number, message: string) => { contentType: string; body: unknown };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const REASONS: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Applies one fault decision to a request. Returns true when the request was answered or dropped
 * (the caller must stop), false when it should be handled normally.
 */
export async function applyFault(
  injector: FaultInjector,
  request: FastifyRequest,
  reply: FastifyReply,
  errorBody: ErrorBodyFactory,
): Promise<boolean> {
  const decision = injector.decide();
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  if (decision.kind === 'pass') return false;
  if (decision.kind === 'drop') {
    // Destroying the socket without a response is what a crashed upstream or a reset looks like to a client.
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }
  const { contentType, body } = errorBody(decision.status, `Injected fault: ${REASONS[decision.status] ?? 'error'}`);
  if (decision.status === 429 || decision.status === 503) reply.header('retry-after', String(decision.retryAfterSeconds));
  await reply.code(decision.status).type(contentType).send(body);
  return true;
}
