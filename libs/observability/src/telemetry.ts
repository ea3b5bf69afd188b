import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TelemetryConfig {
  service: string;
  /** OTLP/HTTP endpoint, e.g. http://collector:4318; telemetry stays off without one. */
  otlpEndpoint?: string;
}

export interface Telemetry {
  enabled: boolean;
  /** Sends the spans still buffered, then stops tracing. */
  shutdown(): Promise<void>;
}

/** Calls the telemetry pipeline makes to its own collector are not traced (they would trace themselves). */
const isExportCall = (endpoint: string) => (url: string | undefined) => url?.startsWith(endpoint) ?? false;

/**
 * Starts OpenTelemetry tracing only when an exporter endpoint is configured: spans of incoming
 * and outgoing HTTP (node:http, so axios too), Fastify routes and hooks, MongoDB commands and
 * undici/fetch, exported over OTLP/HTTP. The SDK's default propagator is W3C trace context
 * (`traceparent`) plus baggage, so an incoming request's trace continues into every call it makes
 * (control plane → controllers → outside systems).
 *
 * Instrumentations patch modules as they are loaded: call this before the app's own modules are
 * imported (the control plane's main loads the app only after it) for spans of Fastify and MongoDB.
 */
export function startTelemetry(config: TelemetryConfig): Telemetry {
  if (!config.otlpEndpoint) return { enabled: false, shutdown: async () => undefined };
  const endpoint = config.otlpEndpoint.replace(/\/$/, '');
  const exporting = isExportCall(endpoint);
  const sdk = new NodeSDK({
    serviceName: config.service,
    traceExporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreOutgoingRequestHook: (request) =>
          exporting(
            `${request.protocol ?? 'http:'}//${request.hostname ?? request.host}${request.port ? `:${request.port}` : ''}${request.path ?? ''}`,
          ),
      }),
      new FastifyInstrumentation(),
      new MongoDBInstrumentation(),
      new UndiciInstrumentation({
        ignoreRequestHook: (request) => exporting(`${request.origin}${request.path}`),
      }),
    ],
  });
  sdk.start();
  // Core modules are patched when they are required after start; a process that loaded them
  // before (a controller started by runControllerMain) gets its server and client calls traced by
  // requiring them once more here. Fastify and MongoDB still need the early start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const core of ['node:http', 'node:https']) require(core);
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
