import { createLogger } from '@lcm/observability';
import { startTelemetry } from '@lcm/observability';
import { InvalidConfigError, loadConfig } from './config/env.schema';
import { createApp } from './create-app';

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
