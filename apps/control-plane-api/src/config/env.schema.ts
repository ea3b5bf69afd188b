import { z } from 'zod';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Every setting of the control plane, read once from the environment at start-up. Defaults are
 * safe for a local run on loopback; anything that opens the API to others must be set explicitly.
 */
export const EnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8020),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGO_URL: z.string().startsWith('mongodb').default('mongodb://127.0.0.1:27017'),
  MONGO_DB: z.string().min(1).default('lcm'),
  /**
   * How long a request waits for MongoDB (to select a server, connect, or hear back) before it
   * answers 503 with Retry-After; bounds every request while the store is down.
   */
  MONGO_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  ETCD_ENDPOINTS: csv.default(['http://127.0.0.1:2379']),
  /** Deadline of one etcd call; a partitioned etcd then fails calls instead of hanging them. */
  ETCD_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  /**
   * How long a write waits for its etcd projection and SSE event before answering anyway (they
   * finish in the background; MongoDB already holds the change). Bounds every write while etcd is
   * down or partitioned, and is long enough that a healthy etcd has the keys when the write answers.
   */
  ETCD_COMMIT_WAIT_MS: z.coerce.number().int().nonnegative().default(250),
  /** Keys the controllers present in X-API-Key; at least one is required. */
  INTERNAL_API_KEYS: csv.pipe(z.array(z.string().min(16, 'each key needs at least 16 characters')).min(1)),
  /** `oidc` verifies bearer tokens against an issuer's JWKS; `development` signs them locally. */
  AUTH_MODE: z.enum(['oidc', 'development']).default('oidc'),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().optional(),
  OIDC_JWKS_URL: z.url().optional(),
  /** Dotted path of the claim holding the user's roles, e.g. `realm_access.roles` for Keycloak. */
  OIDC_ROLES_CLAIM: z.string().default('roles'),
  DEV_AUTH_SECRET: z.string().min(32).optional(),
  /**
   * Dashboard login (spec §2, §5.2 `/api/auth/*`): with a client id the control plane runs the
   * OIDC Authorization Code + PKCE flow against OIDC_ISSUER and keeps the user in a signed cookie.
   */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Confidential clients only; a public client relies on PKCE alone. */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Signs the dashboard's session cookie; required with OIDC_CLIENT_ID. */
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 3600),
  /** Address browsers use to reach this control plane (the OIDC redirect URI is built from it). */
  PUBLIC_URL: z.url().optional(),
  /** Folder of the built dashboard (apps/dashboard/dist by default). */
  DASHBOARD_DIR: z.string().optional(),
  /** Origins the dashboard may embed in frames (LDS, CML), e.g. `https://lds.example.com`; CSP frame-src. */
  CSP_FRAME_SOURCES: csv.default([]),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  SSE_HEARTBEAT_MS: z.coerce.number().int().positive().default(30_000),
  /** How long committed change events stay replayable for a reconnecting SSE client. */
  SSE_REPLAY_WINDOW_SECONDS: z.coerce.number().int().positive().default(300),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(180),
  WORKER_TEMPLATES_SEED_FILE: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Requests one client (by IP) may make to the public API (/api/v1) per window; 0 turns the limit off. */
  RATE_LIMIT_MAX: z.coerce.number().int().nonnegative().default(0),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  SERVE_OPENAPI: flag.default(true),
  /** Base URL of the resource-scheduler's admin API; without it the scheduler routes answer 503. */
  RESOURCE_SCHEDULER_URL: z.url().optional(),
  /** Safety resync: every etcd key is rewritten from MongoDB this often, besides start-up and reconnects. */
  PROJECTION_RESYNC_SECONDS: z.coerce.number().int().positive().default(60),
  /** How often etcd is probed to notice a reconnect, after which the projection is republished. */
  PROJECTION_ETCD_PROBE_SECONDS: z.coerce.number().int().positive().default(5),
  /** R5: a lab pending action older than this is failed ("Timed out after N minutes"). */
  LAB_ACTION_STALE_MINUTES: z.coerce.number().int().positive().default(30),
  LAB_ACTION_SWEEP_SECONDS: z.coerce.number().int().positive().default(60),
});

export type AppConfig = z.infer<typeof EnvSchema>;

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Settings that only make sense together; checked on the raw values so all problems show at once. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const mode = env['AUTH_MODE'] ?? 'oidc';
  const problems: string[] = [];
  if (mode === 'oidc' && !env['OIDC_ISSUER']) problems.push('OIDC_ISSUER: required when AUTH_MODE=oidc');
  // A token the issuer minted for another client must not open this API.
  if (mode === 'oidc' && !env['OIDC_AUDIENCE'])
    problems.push('OIDC_AUDIENCE: required when AUTH_MODE=oidc (tokens are checked for it)');
  if (mode === 'development' && !env['DEV_AUTH_SECRET'])
    problems.push('DEV_AUTH_SECRET: required when AUTH_MODE=development');
  if (env['OIDC_CLIENT_ID'] && !env['OIDC_ISSUER'])
    problems.push('OIDC_ISSUER: required with OIDC_CLIENT_ID');
  if (env['OIDC_CLIENT_ID'] && !env['SESSION_SECRET'])
    problems.push('SESSION_SECRET: required with OIDC_CLIENT_ID (it signs the session cookie)');
  return problems;
}

/** Parses the environment, listing every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new InvalidConfigError(problems);
  return parsed.data;
}
