import { type FastifyInstance } from 'fastify';
import { type Db } from 'mongodb';
import { createMetricsRegistry, installHttpObservability, type Logger } from '@lcm/observability';
import { type AppConfig } from '../../config/env.schema';
import { countSseClients, registerDomainMetrics } from './domain-metrics';
import { installRateLimit } from './rate-limit';

export interface ControlPlaneObservability {
  /** Adds the metrics read from MongoDB once the app (and its MongoDB client) exists. */
  attachStore(db: () => Db): void;
}

/**
 * Metrics, request logging, correlation ids and the public API's rate limit on the control
 * plane's Fastify instance, before Nest registers its routes. Probes are logged at debug: the
 * orchestrator calls them every few seconds.
 */
export async function installObservability(
  app: FastifyInstance,
  config: AppConfig,
  logger: Logger,
): Promise<ControlPlaneObservability> {
  const registry = createMetricsRegistry({ service: 'control-plane-api' });
  installHttpObservability(app, { registry, logger, quietRoutes: ['/health/live', '/health/ready'] });
  countSseClients(app, registry);
  await installRateLimit(app, {
    max: config.RATE_LIMIT_MAX,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  });
  return { attachStore: (db) => registerDomainMetrics(registry, db) };
}
