import { randomUUID } from 'node:crypto';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Registry } from 'prom-client';
import { CORRELATION_ID_HEADER, withCorrelationId } from './correlation';
import { type Logger } from './logger';
import { HttpMetrics } from './metrics';

export interface HttpObservabilityOptions {
  registry: Registry;
  logger: Logger;
  /** Where the registry is served; `false` serves nothing (the app exposes it elsewhere). */
  metricsPath?: string | false;
  /**
   * Route templates logged at debug instead of info: probes and scrapes arrive every few seconds
   * and would drown the request log.
   */
  quietRoutes?: string[];
}

/** Route label of a request that matched no route, so unknown URLs cannot create unbounded series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** A caller's correlation id is echoed only when it is a plain token; anything else is replaced. */
const ACCEPTABLE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function correlationIdOf(request: FastifyRequest): string {
  const given = request.headers[CORRELATION_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_CORRELATION_ID.test(given) ? given : randomUUID();
}

const startedAt = new WeakMap<FastifyRequest, { at: bigint; correlationId: string }>();

/**
 * Every HTTP server of LCM gets the same request handling: a correlation id (the caller's
 * `x-correlation-id` or a new one) in scope for every log line of the request and echoed in the
 * response header, one log line per request (method, route template, status, duration,
 * correlation id — never the query string or headers), request count and latency in Prometheus,
 * and the registry served at `/metrics`.
 */
export function installHttpObservability(
  app: FastifyInstance,
  options: HttpObservabilityOptions,
): HttpMetrics {
  const metrics = new HttpMetrics(options.registry);
  const metricsPath = options.metricsPath === undefined ? '/metrics' : options.metricsPath;
  const quiet = new Set([...(options.quietRoutes ?? []), ...(metricsPath ? [metricsPath] : [])]);

  app.addHook('onRequest', (request, reply, done) => {
    const correlationId = correlationIdOf(request);
    startedAt.set(request, { at: process.hrtime.bigint(), correlationId });
    void reply.header(CORRELATION_ID_HEADER, correlationId);
    withCorrelationId(correlationId, () => done());
  });

  app.addHook('onResponse', (request, reply, done) => {
    const started = startedAt.get(request);
    const seconds = started ? Number(process.hrtime.bigint() - started.at) / 1e9 : 0;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    metrics.observe(request.method, route, reply.statusCode, seconds);
    const line = {
      method: request.method,
      route,
      status: reply.statusCode,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      correlation_id: started?.correlationId,
    };
    if (quiet.has(route)) options.logger.debug(line, 'request');
    else options.logger.info(line, 'request');
    done();
  });

  if (metricsPath)
    app.get(metricsPath, async (_request, reply) =>
      reply.type(options.registry.contentType).send(await options.registry.metrics()),
    );
  return metrics;
}
