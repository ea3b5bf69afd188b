import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentCorrelationId } from './correlation';

export interface LoggerConfig {
  service: string;
  level?: LoggerOptions['level'];
}

export type { Logger };

/**
 * JSON logs with the service name on every line and, when one is in scope, the correlation id of
 * the request or reconcile run that wrote it (see withCorrelationId).
 */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: config.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlation_id: correlationId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
