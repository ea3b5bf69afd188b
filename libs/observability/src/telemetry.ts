import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

export interface TelemetryConfig {
  service: string;
  /** OTLP/HTTP endpoint, e.g. http://collector:4318; telemetry stays off without one. */
  otlpEndpoint?: string;
}

export interface Telemetry {
  enabled: boolean;
  shutdown(): Promise<void>;
}

/** Starts OpenTelemetry tracing only when an exporter endpoint is configured. */
export function startTelemetry(config: TelemetryConfig): Telemetry {
  if (!config.otlpEndpoint) return { enabled: false, shutdown: async () => undefined };
  const sdk = new NodeSDK({
    serviceName: config.service,
    traceExporter: new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
