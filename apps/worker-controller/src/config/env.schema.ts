import { z } from 'zod';
import { controllerEnvSchema, loadControllerConfig } from '@lcm/reconciler-runtime';

/** The worker-controller's admin port (README: what runs locally). */
export const WORKER_CONTROLLER_PORT = 8083;

const duration = (defaultMs: number) => z.coerce.number().int().min(1).default(defaultMs);
const optionalUrl = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(z.url().optional());

/**
 * Settings of the worker-controller besides the runtime's (libs/reconciler-runtime/src/env.ts).
 * Scale-down, idle detection and the metrics interval per worker come from the system settings
 * (GET /api/internal/settings); these are the process's own timings and connections.
 */
export const workerControllerEnvSchema = controllerEnvSchema(WORKER_CONTROLLER_PORT, {
  /** Region of the AWS clients when a worker names none; each worker's own region wins. */
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** EC2/CloudWatch emulator (moto) endpoint; unset = the real AWS endpoints. */
  AWS_ENDPOINT_URL: optionalUrl,
  /** JSON file with each region's subnet, security groups, key name and default tags (docs/worker-controller.md). */
  WORKER_REGIONS_CONFIG: z.string().min(1).optional(),
  /** Value of the `lcm:deployment` tag: two installations in one account never adopt each other's instances. */
  DEPLOYMENT_NAME: z.string().min(1).max(128).default('lcm-local'),
  /**
   * A worker's CML base URL; placeholders {address} (public, else private IP), {public_ip},
   * {private_ip}, {instance_id}. The local run points every instance at the CML fleet simulator.
   */
  CML_URL_TEMPLATE: z
    .string()
    .min(1)
    .default('https://{address}')
    .refine(
      (template) => /\{(address|public_ip|private_ip|instance_id)\}/.test(template),
      'needs a placeholder such as {address}',
    ),
  CML_USERNAME: z.string().min(1).default('admin'),
  CML_PASSWORD: z.string().min(1).default('admin'),
  /** Workers ship self-signed certificates. */
  CML_VERIFY_TLS: z.stringbool().default(false),
  /** One CML call; a worker whose CML hangs is reported after this and never delays the others. */
  CML_TIMEOUT_MS: duration(10_000),
  /** CML calls of a metrics pass in flight at once. */
  CML_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(20),
  /** How often the fleet metrics pass runs; a worker is collected when its next_refresh_at (poll interval of the settings) is due. */
  METRICS_POLL_INTERVAL_MS: duration(300_000),
  /** How often a RUNNING worker's CML telemetry is checked for activity (spec §3.8: 30 min); the check rides on a metrics poll. */
  ACTIVITY_CHECK_INTERVAL_MS: duration(30 * 60_000),
  /** How often EC2 is scanned for drift, orphans and instances to import. */
  DISCOVERY_INTERVAL_MS: duration(300_000),
  /** How often a worker on its way (launch, start, stop, termination) is looked at again. */
  TRANSITION_POLL_MS: duration(5_000),
  /** EC2 may not know a fresh instance for a while (eventual consistency); missing within this window is not "gone". */
  EC2_CONSISTENCY_GRACE_MS: duration(120_000),
  /** Startup time for a worker without template (spec §3.8 worker boot); the template's startup_time_minutes wins. */
  WORKER_BOOT_MINUTES: z.coerce.number().positive().default(20),
  /** Drain timeout for a worker without template; the template's drain_timeout_hours wins. */
  DRAIN_TIMEOUT_HOURS: z.coerce.number().positive().default(4),
  /** FR-2.5.3a: no scale-down while a session is due within this many minutes. */
  SCALE_DOWN_GRACE_MINUTES: z.coerce.number().min(0).default(30),
});

export type WorkerControllerConfig = z.output<typeof workerControllerEnvSchema>;

export const loadWorkerControllerConfig = (env: NodeJS.ProcessEnv = process.env): WorkerControllerConfig =>
  loadControllerConfig(workerControllerEnvSchema, env);
