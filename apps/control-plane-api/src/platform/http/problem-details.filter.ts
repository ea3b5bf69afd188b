import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@lcm/contracts';
import { currentCorrelationId, type Logger } from '@lcm/observability';
import { internalErrorProblem, RETRY_AFTER_SECONDS, toProblem } from './problem-details';

/** The path of a request URL: query strings carry tokens (SSE `access_token`) and must never be echoed or logged. */
const pathOf = (url: string): string => url.split('?')[0] ?? '';

export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): void {
  const known = toProblem(error);
  const path = pathOf(request.url);
  if (!known) logger.error({ err: error, method: request.method, path }, 'unhandled error');
  const body = {
    ...(known ?? internalErrorProblem()),
    instance: path,
    correlation_id: currentCorrelationId(),
  };
  // A 503 or 429 is temporary: say when to come back (RFC 9110 §10.2.3).
  if (body.status === 503 || body.status === 429)
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/** Every error leaving a Nest handler, guard or pipe becomes a problem document. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
