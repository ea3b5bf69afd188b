import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { installHttpObservability, type Logger } from '@lcm/observability';
import { type ControllerMetrics } from './metrics';

export interface AdminServerOptions {
  logger: Logger;
  metrics: ControllerMetrics;
  /** Key required on `/api/admin/*` (the control plane proxies with one of its internal keys). */
  apiKey: string;
  ready: () => boolean;
  stats: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  reconcile: (key: string | undefined) => Promise<{ queued: number }>;
  resign: () => Promise<void>;
}

const sameKey = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const problem = (reply: FastifyReply, status: number, title: string, detail: string) =>
  reply.status(status).type('application/problem+json').send({ type: 'about:blank', title, status, detail });

/**
 * An `onRequest` hook admitting only requests that carry `apiKey` in X-API-Key: the runtime's admin
 * routes use it, and apps put it on admin routes of their own (e.g. the scheduler's pending view).
 */
export function adminKeyGuard(apiKey: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = request.headers[INTERNAL_API_KEY_HEADER];
    if (typeof given !== 'string' || !sameKey(given, apiKey))
      return problem(reply, 401, 'Unauthorized', `the admin API needs a valid ${INTERNAL_API_KEY_HEADER} header`);
  };
}

/**
 * The admin HTTP surface every controller shares: probes, Prometheus metrics (runtime, HTTP and the
 * reconcile metrics of ControllerMetrics), stats, trigger a
 * reconcile, resign leadership. Apps add their own routes (e.g. the lablet-controller's CloudEvents
 * endpoint) on the returned instance before it listens.
 */
export function createAdminServer(options: AdminServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // Correlation ids, one log line per request, HTTP metrics and `/metrics` — shared with every LCM app.
  installHttpObservability(app, { registry: options.metrics.registry, logger: options.logger, quietRoutes: ['/health', '/ready'] });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) =>
    options.ready() ? { status: 'ready' } : reply.status(503).header('retry-after', '5').send({ status: 'starting' }),
  );
  app.register(async (admin) => {
    admin.addHook('onRequest', adminKeyGuard(options.apiKey));
    admin.get('/api/admin/stats', async () => options.stats());
    admin.post<{ Body: { key?: unknown } | undefined }>('/api/admin/reconcile', async (request, reply) => {
      const key = request.body?.key;
      if (key !== undefined && (typeof key !== 'string' || key.length === 0))
        return problem(reply, 400, 'Invalid request', 'key: a non-empty string, or leave it out to resync everything');
      return reply.status(202).send({ ...(await options.reconcile(key)), requested_at: new Date().toISOString() });
    });
    admin.post('/api/admin/resign', async (_request, reply) => {
      await options.resign();
      return reply.status(202).send({ requested_at: new Date().toISOString() });
    });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.logger.error({ err: error }, 'admin request failed');
    return problem(reply, status, status === 500 ? 'Internal error' : 'Invalid request', status === 500 ? 'see the controller log' : error.message);
  });
  return app;
}
