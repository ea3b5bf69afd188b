import { createLogger } from '@lcm/observability';
import { startTelemetry } from '@lcm/observability';
import { InvalidConfigError, loadConfig } from './config/env.schema';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const telemetry = startTelemetry({
    service: 'control-plane-api',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger({ service: 'control-plane-api', level: config.LOG_LEVEL });
  // Loaded only now: the OpenTelemetry instrumentations patch fastify, http and mongodb as they load
  // (a CommonJS require, which is what the compiled `import` statements above are too).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require('./create-app') as typeof import('./create-app');
  const app = await createApp(config, logger);
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    { host: config.HOST, port: config.PORT, auth_mode: config.AUTH_MODE },
    'control-plane-api listening',
  );
  process.once('SIGTERM', () => void app.close().then(() => telemetry.shutdown()));
  process.once('SIGINT', () => void app.close().then(() => telemetry.shutdown()));
}

void main();
