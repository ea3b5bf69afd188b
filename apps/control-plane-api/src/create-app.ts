import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CORRELATION_ID_HEADER, withCorrelationId, type Logger, createLogger } from '@lcm/observability';
import { AppModule } from './app.module';
import { type AppConfig } from './config/env.schema';

/** Builds the control plane (not yet listening); shared by main.ts and the integration tests. */
export async function createApp(config: AppConfig, logger?: Logger): Promise<NestFastifyApplication> {
  const log = logger ?? createLogger({ service: 'control-plane-api', level: config.LOG_LEVEL });
  const adapter = new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, trustProxy: true });
  // Every log line written while handling a request carries its correlation id.
  // Body-parsing and size-limit errors reach the ProblemDetailsFilter through Nest's error handler.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    const header = request.headers[CORRELATION_ID_HEADER];
    withCorrelationId(typeof header === 'string' ? header : undefined, () => done());
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, log), adapter, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  if (config.AUTH_MODE === 'development') {
    log.warn(
      'AUTH_MODE=development: bearer tokens are signed locally and /api/auth/dev-token issues them to anyone. Never use this outside a local run.',
    );
  }
  return app;
}
