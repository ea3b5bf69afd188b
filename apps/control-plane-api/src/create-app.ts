import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Db } from 'mongodb';
import { allRoutes } from '@lcm/contracts';
import { type Logger, createLogger } from '@lcm/observability';
import { AppModule } from './app.module';
import { type AppConfig } from './config/env.schema';
import { clientErrorResponse, installHttpSemantics, MAX_URL_LENGTH } from './platform/http/http-semantics';
import { installSecurityHeaders } from './platform/http/security-headers';
import { refuseUntilStoreReady, StoreStartup } from './platform/mongo/store-startup';
import { installObservability } from './platform/observability/observability';
import { MONGO_DB } from './platform/platform.tokens';

/** Builds the control plane (not yet listening); shared by main.ts and the integration tests. */
export async function createApp(config: AppConfig, logger?: Logger): Promise<NestFastifyApplication> {
  const log = logger ?? createLogger({ service: 'control-plane-api', level: config.LOG_LEVEL });
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    clientErrorHandler: clientErrorResponse,
    // The router's own limit (100) answered a long id with a bare-JSON 414; the URL limit and the
    // contract's input parsing answer instead, with problem documents (platform/http).
    routerOptions: { maxParamLength: MAX_URL_LENGTH },
  });
  // Correlation ids (in scope for every log line, echoed in x-correlation-id), one log line per
  // request, /metrics and the public API's rate limit.
  // Body-parsing and size-limit errors reach the ProblemDetailsFilter through Nest's error handler.
  const observability = await installObservability(adapter.getInstance(), config, log);
  await installSecurityHeaders(adapter.getInstance(), config);
  installHttpSemantics(adapter.getInstance(), allRoutes());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, log), adapter, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  refuseUntilStoreReady(adapter.getInstance(), app.get(StoreStartup), log);
  observability.attachStore(() => app.get<Db>(MONGO_DB));
  if (config.AUTH_MODE === 'development') {
    log.warn(
      'AUTH_MODE=development: bearer tokens are signed locally and /api/auth/dev-token issues them to anyone. Never use this outside a local run.',
    );
  }
  return app;
}
