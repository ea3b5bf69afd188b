import { pino } from 'pino';

/** The slice of a pino logger the clients use; any pino child logger satisfies it. */
export interface IntegrationLogger {
  debug(details: object, message?: string): void;
  info(details: object, message?: string): void;
  warn(details: object, message?: string): void;
}

let sharedDefaultLogger: IntegrationLogger | undefined;

/** Used when a caller does not inject its own logger, so unknown states are still visible in the process log. */
export function defaultIntegrationLogger(): IntegrationLogger {
  sharedDefaultLogger ??= pino({ name: 'lcm-integrations', level: process.env['LOG_LEVEL'] ?? 'info' });
  return sharedDefaultLogger;
}
