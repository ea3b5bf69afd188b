import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** Settings every controller shares (README: controllers), with safe local defaults. */
export const controllerEnvShape = {
  HOST: z.string().default('127.0.0.1'),
  CPA_URL: z.url().default('http://127.0.0.1:8020'),
  /** Must be one of the control plane's INTERNAL_API_KEYS; the local run's default matches scripts/dev.sh. */
  CPA_API_KEY: z.string().min(16).default('local-development-controller-key'),
  ETCD_ENDPOINTS: csv.pipe(z.array(z.url()).min(1)).default(['http://127.0.0.1:2379']),
  RESYNC_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  LEASE_TTL_SECONDS: z.coerce.number().int().min(2).max(300).default(15),
  /** Names this replica in the leader key; defaults to host name, pid and a random suffix. */
  REPLICA_ID: z.string().min(1).optional(),
  /** URL through which others reach this replica's admin API; defaults to http://HOST:PORT. */
  ADVERTISE_URL: z.url().optional(),
  PARALLELISM: z.coerce.number().int().min(1).max(256).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` for a person at a terminal (the local run), `json` elsewhere. */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** OTLP/HTTP endpoint of the trace collector (e.g. http://otel-collector:4318); no tracing without it. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
};

export interface ControllerConfig {
  HOST: string;
  PORT: number;
  CPA_URL: string;
  CPA_API_KEY: string;
  ETCD_ENDPOINTS: string[];
  RESYNC_INTERVAL_MS: number;
  LEASE_TTL_SECONDS: number;
  REPLICA_ID?: string | undefined;
  ADVERTISE_URL?: string | undefined;
  PARALLELISM?: number | undefined;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  LOG_FORMAT: 'json' | 'pretty';
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}

/** The env schema of one controller: the shared settings, its port, and its own settings. */
export function controllerEnvSchema<Extra extends z.ZodRawShape>(defaultPort: number, extra: Extra) {
  return z.object({
    ...controllerEnvShape,
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    ...extra,
  });
}

export class InvalidControllerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment, listing every bad variable at once. */
export function loadControllerConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new InvalidControllerConfigError(
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
  );
}

export const defaultReplicaId = (): string => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
