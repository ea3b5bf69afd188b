import { z } from 'zod';
import { controllerEnvSchema, loadControllerConfig } from '@lcm/reconciler-runtime';

const minutes = (fallback: number) => z.coerce.number().min(0).default(fallback);

/** Settings of the lablet-controller (README "lablet-controller"), with safe local defaults. */
export const labletControllerEnvSchema = controllerEnvSchema(8082, {
  /**
   * Base URL of a worker's CML controller (the API lives under `/api/v0`); `{address}` is the
   * worker's public IP (else private IP, else the host of its https endpoint), `{instance_id}` its
   * EC2 instance id and `{worker_id}` its LCM id. Local run: http://127.0.0.1:9440/workers/{instance_id}.
   */
  CML_URL_TEMPLATE: z.string().min(1).default('https://{address}'),
  CML_USERNAME: z.string().min(1).default('admin'),
  CML_PASSWORD: z.string().min(1).default('admin'),
  /** Workers ship self-signed certificates. */
  CML_VERIFY_TLS: z.stringbool().default(false),
  /** One LDS deployment (ignored when LDS_REGIONS_FILE names a regions file, LDS-API.md §1). */
  LDS_URL: z.url().default('http://127.0.0.1:9450'),
  LDS_USERNAME: z.string().min(1).default('lds'),
  LDS_PASSWORD: z.string().min(1).default('lds'),
  LDS_FRONTEND_BASE_URL: z.url().optional(),
  LDS_REGIONS_FILE: z.string().min(1).optional(),
  /** Extra vendor prefix of LDS CloudEvent types beyond io.lablet. and com.cisco.certs. */
  LDS_CLOUDEVENT_TYPE_PREFIX: z.string().min(1).optional(),
  /** GradingEngine root (paths start with /api/v1). */
  GRADING_URL: z.url().default('http://127.0.0.1:9460'),
  /** Client-credentials token endpoint; without it GRADING_TOKEN is sent as a fixed bearer token. */
  GRADING_TOKEN_URL: z.url().optional(),
  GRADING_CLIENT_ID: z.string().min(1).optional(),
  GRADING_CLIENT_SECRET: z.string().min(1).optional(),
  GRADING_TOKEN: z.string().min(1).default('local-development-grading-token'),
  INSTANTIATION_LEAD_MINUTES: minutes(15),
  SESSION_RETENTION_MINUTES: minutes(60),
  GRADING_FAULT_HOLD_MINUTES: minutes(30),
  /** GRADING-API.md §4 step 3 (poll every 10 s with a deadline, e.g. 10 min), after a grace for the event. */
  GRADING_POLL_GRACE_SECONDS: z.coerce.number().min(0).default(60),
  GRADING_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.01).default(10),
  GRADING_POLL_DEADLINE_MINUTES: minutes(10),
  /**
   * Attempts of an instantiation step before the session is cleaned up and terminated (ADR-008: 3);
   * also the attempts of a collection before it is given up.
   */
  INSTANTIATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** How often a booting lab is looked at again. */
  LAB_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(2_000),
  /**
   * How long a lab start watches CML for the boot inside one reconcile (checks 25 ms apart at
   * first, then doubling) before it requeues: a quick boot then costs no re-read of the session.
   */
  LAB_BOOT_WATCH_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  /** Spec §7.3.3: a lab action (polled every LAB_POLL_INTERVAL_MS) is given up this long after it was requested. */
  LAB_ACTION_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(180),
  DISCOVERY_INTERVAL_MS: z.coerce.number().int().min(100).default(300_000),
  DISCOVERY_PARALLELISM: z.coerce.number().int().min(1).max(5).default(5),
  /** How many CloudEvent (source, id) pairs are remembered to drop redeliveries. */
  EVENT_DEDUPE_CAPACITY: z.coerce.number().int().min(1).default(10_000),
}).refine((env) => !env.GRADING_TOKEN_URL || (env.GRADING_CLIENT_ID && env.GRADING_CLIENT_SECRET), {
  message: 'GRADING_TOKEN_URL needs GRADING_CLIENT_ID and GRADING_CLIENT_SECRET',
  path: ['GRADING_TOKEN_URL'],
});

export type LabletControllerConfig = z.output<typeof labletControllerEnvSchema>;

export const loadLabletControllerConfig = (env: NodeJS.ProcessEnv = process.env): LabletControllerConfig =>
  loadControllerConfig(labletControllerEnvSchema, env);
