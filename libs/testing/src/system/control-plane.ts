import { randomUUID } from 'node:crypto';
import { type Role } from '@lcm/contracts';
import { infraEndpoints } from '../infra/endpoints';
import { freePort, NodeAppProcess } from './processes';

export const SYSTEM_INTERNAL_API_KEY = 'system-test-controller-key';
const DEV_AUTH_SECRET = 'system-test-development-secret-0123456789';

export interface ControlPlaneProcessOptions {
  etcdEndpoint: string;
  /** A database of its own by default, so suites never see each other's data. */
  mongoDb?: string;
  /** A free port by default. */
  port?: number;
  /** Overrides of the settings below (apps/control-plane-api/src/config/env.schema.ts). */
  env?: Record<string, string>;
  logDir?: string;
  /** Copy its output to stdout with a `[control-plane-api] ` prefix. */
  echo?: boolean;
}

/** The control plane as a real process on a free port, in development auth mode. */
export class ControlPlaneProcess extends NodeAppProcess {
  /** The key controllers send (the first of INTERNAL_API_KEYS). */
  readonly apiKey: string;

  private constructor(
    readonly url: string,
    readonly mongoDb: string,
    options: ConstructorParameters<typeof NodeAppProcess>[0],
  ) {
    super(options);
    this.apiKey = (options.env['INTERNAL_API_KEYS'] ?? SYSTEM_INTERNAL_API_KEY).split(',')[0]!.trim();
  }

  /** The process, configured but not started (a launcher starts it alongside others). */
  static async create(options: ControlPlaneProcessOptions): Promise<ControlPlaneProcess> {
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const mongoDb = options.env?.['MONGO_DB'] ?? options.mongoDb ?? `lcm_sys_${randomUUID().slice(0, 8)}`;
    return new ControlPlaneProcess(url, mongoDb, {
      name: 'control-plane-api',
      entry: 'apps/control-plane-api/src/main.ts',
      // Ready, not merely live: until its start-up work on the store is done it answers 503.
      readyUrl: `${url}/health/ready`,
      logDir: options.logDir,
      echo: options.echo,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        MONGO_URL: infraEndpoints().mongoUrl,
        MONGO_DB: mongoDb,
        ETCD_ENDPOINTS: options.etcdEndpoint,
        INTERNAL_API_KEYS: SYSTEM_INTERNAL_API_KEY,
        AUTH_MODE: 'development',
        DEV_AUTH_SECRET,
        LOG_LEVEL: 'warn',
        ...options.env,
      },
    });
  }

  static async start(options: ControlPlaneProcessOptions): Promise<ControlPlaneProcess> {
    const process = await ControlPlaneProcess.create(options);
    await process.start();
    return process;
  }

  /** A development bearer token for `roles`, issued by this control plane. */
  async token(roles: Role[], subject = `${roles[0]}-user`): Promise<string> {
    const answer = await fetch(`${this.url}/api/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject, roles }),
    });
    if (!answer.ok) throw new Error(`dev-token answered ${answer.status}`);
    return ((await answer.json()) as { access_token: string }).access_token;
  }
}
