import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Role } from '@lcm/contracts';
import { infraEndpoints } from '../infra/endpoints';
import { ControlPlaneProcess } from './control-plane';
import { freePort, NodeAppProcess, REPO_ROOT } from './processes';

const run = promisify(execFile);

/** Every process of the system, in start order (the controllers need the control plane). */
export const SYSTEM_PROCESSES = [
  'cml-simulator',
  'lds-simulator',
  'grading-simulator',
  'dev-oidc-provider',
  'control-plane-api',
  'resource-scheduler',
  'worker-controller',
  'lablet-controller',
] as const;
export type SystemProcessName = (typeof SYSTEM_PROCESSES)[number];

export type SystemPorts = Record<SystemProcessName, number>;

/** The ports of the local run (README "What runs locally"). */
export const DEV_PORTS: SystemPorts = {
  'cml-simulator': 9440,
  'lds-simulator': 9450,
  'grading-simulator': 9460,
  'dev-oidc-provider': 8030,
  'control-plane-api': 8020,
  'resource-scheduler': 8081,
  'worker-controller': 8083,
  'lablet-controller': 8082,
};

export interface LaunchSystemOptions {
  /** Fixed ports; every process not named here gets a free port. */
  ports?: Partial<SystemPorts>;
  /** The processes to start (all by default); the others are configured but left stopped. */
  only?: readonly SystemProcessName[];
  /** etcd of the control plane and the controllers (a PrivateEtcd in tests). */
  etcdEndpoint: string;
  mongoUrl?: string;
  /** A database of its own by default (`lcm_e2e_<random>`): the store is shared by many suites. */
  mongoDb?: string;
  /** moto's endpoint; an empty string means the real AWS endpoints (no moto preparation). */
  awsEndpointUrl?: string;
  awsRegion?: string;
  /**
   * Name of this installation in EC2 (`lcm:deployment` tag, moto resources): moto is shared, so
   * each run has its own (`lcm-e2e-<random>` by default).
   */
  deployment?: string;
  /** Where scripts/infra/moto-prepare.ts writes the worker regions file (in the log folder by default). */
  regionsConfig?: string;
  /** The controllers' API key (one of the control plane's INTERNAL_API_KEYS). */
  apiKey?: string;
  /** Settings for every process, applied after the wiring (never PORT or HOST: they differ per process). */
  env?: Record<string, string>;
  /** Settings of one process, applied last. */
  envFor?: Partial<Record<SystemProcessName, Record<string, string>>>;
  /** Folder of the `<process>.log` files (a temporary folder by default). */
  logDir?: string;
  /** Copy every process's output to stdout with a `[name] ` prefix (the local run). */
  echo?: boolean;
  /** How long one process may take to answer its ready URL. */
  startTimeoutMs?: number;
}

export interface SystemUrls {
  controlPlane: string;
  resourceScheduler: string;
  workerController: string;
  labletController: string;
  /** The CML fleet simulator; a worker's CML is `${cml}/workers/<instance id>`. */
  cml: string;
  lds: string;
  grading: string;
  oidcIssuer: string;
  etcd: string;
  mongo: string;
  /** moto, or '' for the real AWS endpoints. */
  aws: string;
}

export interface MotoPreparation {
  region: string;
  vpc_id: string;
  subnet_id: string;
  security_group_id: string;
  ami_id: string;
  ami_name: string;
  regions_config: string;
}

/**
 * Prepares moto for worker launches under `name` (VPC, subnet, security group, CML AMI and the
 * regions file) with scripts/infra/moto-prepare.ts, as scripts/dev.sh always did. Idempotent.
 */
export async function prepareMoto(options: {
  endpoint: string;
  region: string;
  name: string;
  out: string;
}): Promise<MotoPreparation> {
  const { stdout } = await run(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'),
      'scripts/infra/moto-prepare.ts',
      '--name',
      options.name,
      '--out',
      options.out,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: options.endpoint,
        AWS_REGION: options.region,
        AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'test',
        AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'test',
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as MotoPreparation;
}

const DEV_AUTH_SECRET = 'system-development-auth-secret-0123456789';
const SESSION_SECRET = 'system-development-session-secret-0123456789';
const DEFAULT_API_KEY = 'system-test-controller-key';

/**
 * The whole LCM system as real processes, wired the way the local run wires them: the CML, LDS
 * and GradingEngine simulators (one process each, so each can be killed alone), the development
 * OIDC provider, the control plane and the three controllers. etcd, the store and moto are given
 * (README "Real servers for tests and local runs"). scripts/dev.sh starts its apps through this
 * (launch-system.ts); the e2e suite and the fault drills start it in their tests.
 */
export class LcmSystem {
  private constructor(
    readonly urls: SystemUrls,
    readonly ports: SystemPorts,
    readonly mongoDb: string,
    readonly deployment: string,
    readonly awsRegion: string,
    /** The worker regions file the worker-controller reads, or '' without moto. */
    readonly regionsConfig: string,
    readonly logDir: string,
    readonly controlPlane: ControlPlaneProcess,
    readonly processes: Readonly<Record<SystemProcessName, NodeAppProcess>>,
    private readonly selected: ReadonlySet<SystemProcessName>,
    private readonly startTimeoutMs: number,
  ) {}

  /** Picks the ports and configures every process; nothing runs yet (see start). */
  static async create(options: LaunchSystemOptions): Promise<LcmSystem> {
    const ports = { ...options.ports } as SystemPorts;
    for (const name of SYSTEM_PROCESSES) ports[name] ??= await freePort();
    const url = (name: SystemProcessName) => `http://127.0.0.1:${ports[name]}`;
    const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'lcm-system-'));
    mkdirSync(logDir, { recursive: true });
    const deployment = options.deployment ?? `lcm-e2e-${randomUUID().slice(0, 8)}`;
    const mongoDb = options.mongoDb ?? `lcm_e2e_${randomUUID().slice(0, 8)}`;
    const awsRegion = options.awsRegion ?? 'us-east-1';
    const aws = options.awsEndpointUrl ?? infraEndpoints().awsEndpointUrl;
    const regionsConfig = aws ? resolve(options.regionsConfig ?? join(logDir, 'worker-regions.json')) : '';
    const apiKey = options.apiKey ?? DEFAULT_API_KEY;
    const urls: SystemUrls = {
      controlPlane: url('control-plane-api'),
      resourceScheduler: url('resource-scheduler'),
      workerController: url('worker-controller'),
      labletController: url('lablet-controller'),
      cml: url('cml-simulator'),
      lds: url('lds-simulator'),
      grading: url('grading-simulator'),
      oidcIssuer: url('dev-oidc-provider'),
      etcd: options.etcdEndpoint,
      mongo: options.mongoUrl ?? infraEndpoints().mongoUrl,
      aws,
    };
    const cmlUrlTemplate = `${urls.cml}/workers/{instance_id}`;
    const eventSink = `${urls.labletController}/api/events`;
    const controller = {
      HOST: '127.0.0.1',
      CPA_URL: urls.controlPlane,
      CPA_API_KEY: apiKey,
      ETCD_ENDPOINTS: urls.etcd,
    };
    const awsEnv: Record<string, string> = aws
      ? {
          AWS_ENDPOINT_URL: aws,
          AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'test',
          AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'test',
          WORKER_REGIONS_CONFIG: regionsConfig,
        }
      : {};
    // What scripts/dev.sh exported before it started each app (each app's env schema names them).
    const wiring: Record<SystemProcessName, Record<string, string>> = {
      'cml-simulator': { SIM_ONLY: 'cml', CML_SIM_PORT: String(ports['cml-simulator']) },
      'lds-simulator': {
        SIM_ONLY: 'lds',
        LDS_SIM_PORT: String(ports['lds-simulator']),
        SIM_SINK_URL: eventSink,
      },
      'grading-simulator': {
        SIM_ONLY: 'grading',
        GRADING_SIM_PORT: String(ports['grading-simulator']),
        SIM_SINK_URL: eventSink,
      },
      'dev-oidc-provider': {
        DEV_OIDC_PORT: String(ports['dev-oidc-provider']),
        DEV_OIDC_CLIENT_ID: 'lcm-dashboard',
        DEV_OIDC_REDIRECT_URIS: `${urls.controlPlane}/api/auth/callback`,
      },
      'control-plane-api': {
        HOST: '127.0.0.1',
        PORT: String(ports['control-plane-api']),
        MONGO_URL: urls.mongo,
        MONGO_DB: mongoDb,
        ETCD_ENDPOINTS: urls.etcd,
        INTERNAL_API_KEYS: apiKey,
        AUTH_MODE: 'development',
        DEV_AUTH_SECRET,
        OIDC_ISSUER: urls.oidcIssuer,
        OIDC_CLIENT_ID: 'lcm-dashboard',
        SESSION_SECRET,
      },
      'resource-scheduler': { ...controller, PORT: String(ports['resource-scheduler']) },
      'worker-controller': {
        ...controller,
        PORT: String(ports['worker-controller']),
        AWS_REGION: awsRegion,
        DEPLOYMENT_NAME: deployment,
        CML_URL_TEMPLATE: cmlUrlTemplate,
        ...awsEnv,
      },
      'lablet-controller': {
        ...controller,
        PORT: String(ports['lablet-controller']),
        CML_URL_TEMPLATE: cmlUrlTemplate,
        LDS_URL: urls.lds,
        GRADING_URL: urls.grading,
      },
    };
    const envOf = (name: SystemProcessName) => ({
      ...wiring[name],
      ...options.env,
      ...options.envFor?.[name],
    });
    const app = (name: SystemProcessName, entry: string, readyPath: string) =>
      new NodeAppProcess({
        name,
        entry,
        readyUrl: `${url(name)}${readyPath}`,
        env: envOf(name),
        logDir,
        echo: options.echo,
      });
    const controlPlane = await ControlPlaneProcess.create({
      etcdEndpoint: urls.etcd,
      port: ports['control-plane-api'],
      env: envOf('control-plane-api'),
      logDir,
      echo: options.echo,
    });
    const processes: Record<SystemProcessName, NodeAppProcess> = {
      'cml-simulator': app('cml-simulator', 'tools/simulators/src/main.ts', '/_control/health'),
      'lds-simulator': app('lds-simulator', 'tools/simulators/src/main.ts', '/_control/health'),
      'grading-simulator': app('grading-simulator', 'tools/simulators/src/main.ts', '/_control/health'),
      'dev-oidc-provider': app(
        'dev-oidc-provider',
        'tools/dev-oidc-provider/src/main.ts',
        '/.well-known/openid-configuration',
      ),
      'control-plane-api': controlPlane,
      'resource-scheduler': app('resource-scheduler', 'apps/resource-scheduler/src/main.ts', '/ready'),
      'worker-controller': app('worker-controller', 'apps/worker-controller/src/main.ts', '/ready'),
      'lablet-controller': app('lablet-controller', 'apps/lablet-controller/src/main.ts', '/ready'),
    };
    return new LcmSystem(
      urls,
      ports,
      controlPlane.mongoDb,
      deployment,
      awsRegion,
      regionsConfig,
      logDir,
      controlPlane,
      processes,
      new Set(options.only ?? SYSTEM_PROCESSES),
      options.startTimeoutMs ?? 90_000,
    );
  }

  /**
   * Prepares moto (when the worker-controller is selected) and starts the selected processes:
   * the simulators, the OIDC provider and the control plane at once, then the controllers. Each
   * must answer its ready URL; on a failure everything is stopped and the error names the log.
   */
  async start(): Promise<void> {
    try {
      if (this.urls.aws && this.selected.has('worker-controller')) {
        await prepareMoto({
          endpoint: this.urls.aws,
          region: this.awsRegion,
          name: this.deployment,
          out: this.regionsConfig,
        });
      }
      for (const group of [SYSTEM_PROCESSES.slice(0, 5), SYSTEM_PROCESSES.slice(5)]) {
        await Promise.all(
          group
            .filter((name) => this.selected.has(name))
            .map((name) => this.processes[name].start(this.startTimeoutMs)),
        );
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  process(name: SystemProcessName): NodeAppProcess {
    return this.processes[name];
  }

  /** Sends `signal` (kill -9 by default) to one process and waits until it has exited. */
  kill(name: SystemProcessName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.processes[name].kill(signal);
  }

  /** Starts a stopped or killed process again (same port, same settings) and waits until it is ready. */
  startProcess(name: SystemProcessName, timeoutMs = 90_000): Promise<void> {
    return this.processes[name].start(timeoutMs);
  }

  /** kill -9 (when it runs), then start again and wait until it is ready. */
  restart(name: SystemProcessName, timeoutMs = 90_000): Promise<void> {
    return this.processes[name].restart(timeoutMs);
  }

  /** The controllers' key for the internal API and the controllers' admin APIs. */
  get apiKey(): string {
    return this.controlPlane.apiKey;
  }

  /** A development bearer token issued by the control plane. */
  token(roles: Role[], subject?: string): Promise<string> {
    return this.controlPlane.token(roles, subject);
  }

  /** Stops every process cleanly (SIGTERM), the controllers first; the data stays. */
  async stop(): Promise<void> {
    for (const group of [SYSTEM_PROCESSES.slice(5), SYSTEM_PROCESSES.slice(0, 5)]) {
      await Promise.all(group.map((name) => this.processes[name].stop()));
    }
  }
}

/** Configures and starts the system (see LcmSystem); stop it with `system.stop()`. */
export async function launchSystem(options: LaunchSystemOptions): Promise<LcmSystem> {
  const system = await LcmSystem.create(options);
  await system.start();
  return system;
}
