import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentCorrelationId } from './correlation';

export type LogFormat = 'json' | 'pretty';

export interface LoggerConfig {
  service: string;
  level?: LoggerOptions['level'];
  /**
   * `pretty` for people at a terminal (the local run sets LOG_FORMAT=pretty), `json` for log
   * collectors everywhere else. Defaults to the LOG_FORMAT environment variable, then `json`.
   */
  format?: LogFormat;
}

export type { Logger };

export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  return env['LOG_FORMAT'] === 'pretty' ? 'pretty' : 'json';
}

/** The ids that tie a log line to its request or reconcile run, and to its trace when one is recorded. */
function contextFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const correlationId = currentCorrelationId();
  if (correlationId) fields['correlation_id'] = correlationId;
  const span = trace.getSpan(context.active())?.spanContext();
  if (span && trace.isSpanContextValid(span)) fields['trace_id'] = span.traceId;
  return fields;
}

/**
 * Where secrets sit in what gets logged: credentials in header maps (a request's, or an HTTP
 * client's error config), and secret-named fields one level down. Whatever logs a URL must log
 * its path only, never the query string (tokens travel there, e.g. `access_token` on SSE).
 */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-api-key"]',
  'err.config.headers',
  'err.response.config.headers',
  '*.password',
  '*.access_token',
  '*.login_url',
];

/**
 * Logs with the service name on every line and, when one is in scope, the correlation id of the
 * request or reconcile run that wrote it (see withCorrelationId) and the trace id.
 */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: config.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: contextFields,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if ((config.format ?? logFormatFromEnv()) === 'pretty')
    // pino-pretty is a development dependency: only the local run asks for it, images log JSON.
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        // One line per entry: a request line with its fields spread over seven lines drowned the
        // local run's output.
        options: {
          colorize: true,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        },
      },
    });
  return pino(options);
}
