import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  RegisterImageCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CmlWorker, INTERNAL_API_KEY_HEADER, type WorkerTemplate } from '@lcm/contracts';
import { ControlPlaneApiClient } from '@lcm/cpa-client';
import {
  ControlPlaneProcess,
  freePort,
  NodeAppProcess,
  PrivateEtcd,
  REPO_ROOT,
  infraEndpoints,
  waitFor,
} from '@lcm/testing';

const run = promisify(execFile);
/** Region of the integration tests' rejected launches (see addRegionEc2Rejects). */
export const REJECTING_REGION = 'us-west-2';

/** What the system needs of the CML fleet simulator (docs/simulators/cml.md). */
export interface RunningCmlSimulator {
  url: string;
  close(): Promise<void>;
}

/**
 * The worker-controller's world for integration tests: a private etcd, a real control plane, the
 * CML fleet simulator, moto prepared by scripts/infra/moto-prepare.ts under a name of this run's
 * own (moto is shared: every instance this run launches carries it as `lcm:deployment`), and the
 * worker-controller as a real process (kill -9 capable).
 */
export class WorkerControllerSystem {
  readonly deployment = `lcm-wc-${randomUUID().slice(0, 8)}`;
  readonly logDir = mkdtempSync(join(tmpdir(), 'lcm-wc-int-'));
  etcd!: PrivateEtcd;
  cpa!: ControlPlaneProcess;
  cml!: RunningCmlSimulator;
  controller!: NodeAppProcess;
  controllerUrl = '';
  ec2!: EC2Client;
  private token = '';
  private regionsConfig = '';

  /** `startCml` starts the CML fleet simulator (the spec owns that import: simulators are test-only). */
  async start(startCml: () => Promise<RunningCmlSimulator>): Promise<void> {
    const awsEndpoint = infraEndpoints().awsEndpointUrl;
    this.ec2 = new EC2Client({
      region: 'us-east-1',
      endpoint: awsEndpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    this.regionsConfig = join(this.logDir, 'worker-regions.json');
    const [etcd, cml] = await Promise.all([
      PrivateEtcd.start(),
      startCml(),
      run(
        process.execPath,
        [
          join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'),
          'scripts/infra/moto-prepare.ts',
          '--name',
          this.deployment,
          '--out',
          this.regionsConfig,
        ],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, AWS_ENDPOINT_URL: awsEndpoint, AWS_REGION: 'us-east-1' },
        },
      ),
    ]);
    this.etcd = etcd;
    this.cml = cml;
    await this.addRegionEc2Rejects();
    this.cpa = await ControlPlaneProcess.start({ etcdEndpoint: etcd.endpoint, logDir: this.logDir });
    this.token = await this.cpa.token(['admin']);
    await this.startController();
  }

  /**
   * A second region whose network settings name a subnet EC2 does not know, with a CML AMI of this
   * run: a launch there is rejected by EC2 (InvalidSubnetID.NotFound), the case of a FAILED launch.
   */
  private async addRegionEc2Rejects(): Promise<void> {
    const file = JSON.parse(readFileSync(this.regionsConfig, 'utf8')) as { regions: Record<string, unknown> };
    file.regions[REJECTING_REGION] = {
      subnet_id: 'subnet-0000000000000bad0',
      security_group_ids: ['sg-0000000000000bad0'],
    };
    writeFileSync(this.regionsConfig, JSON.stringify(file));
    const ec2 = new EC2Client({
      region: REJECTING_REGION,
      endpoint: infraEndpoints().awsEndpointUrl,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await ec2.send(
      new RegisterImageCommand({ Name: `CML-2.9.0-${this.deployment}`, RootDeviceName: '/dev/sda1' }),
    );
    ec2.destroy();
  }

  /** Starts (or restarts) the worker-controller; `cpaUrl` lets a test put a proxy in between. */
  async startController(cpaUrl = this.cpa.url): Promise<void> {
    const port = await freePort();
    this.controllerUrl = `http://127.0.0.1:${port}`;
    this.controller = new NodeAppProcess({
      name: 'worker-controller',
      entry: 'apps/worker-controller/src/main.ts',
      readyUrl: `${this.controllerUrl}/ready`,
      logDir: this.logDir,
      env: {
        PORT: String(port),
        CPA_URL: cpaUrl,
        CPA_API_KEY: this.cpa.apiKey,
        ETCD_ENDPOINTS: this.etcd.endpoint,
        LEASE_TTL_SECONDS: '2',
        RESYNC_INTERVAL_MS: '1000',
        TRANSITION_POLL_MS: '250',
        METRICS_POLL_INTERVAL_MS: '1000',
        DISCOVERY_INTERVAL_MS: '1000',
        AWS_ENDPOINT_URL: infraEndpoints().awsEndpointUrl,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        WORKER_REGIONS_CONFIG: this.regionsConfig,
        DEPLOYMENT_NAME: this.deployment,
        CML_URL_TEMPLATE: `${this.cml.url}/workers/{instance_id}`,
        CML_TIMEOUT_MS: '2000',
        ACTIVITY_CHECK_INTERVAL_MS: '1000',
        LOG_LEVEL: 'info',
      },
    });
    await this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller?.kill();
    await this.terminateOwnInstances();
    this.ec2?.destroy();
    await Promise.all([this.cpa?.kill(), this.cml?.close()]);
    await this.etcd?.destroy();
  }

  /** A public API call as an admin; throws on an unexpected status. */
  async api<T>(method: string, path: string, body?: unknown, expected = [200, 201, 202]): Promise<T> {
    const answer = await fetch(`${this.cpa.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    if (!expected.includes(answer.status)) throw new Error(`${method} ${path} → ${answer.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async template(name: string): Promise<WorkerTemplate> {
    const page = await this.api<{ items: WorkerTemplate[] }>('GET', '/api/v1/worker-templates?limit=200');
    const found = page.items.find((template) => template.name === name);
    if (!found) throw new Error(`no template ${name}`);
    return found;
  }

  async scaleUp(templateName = 'multi-sessions'): Promise<string> {
    const template = await this.template(templateName);
    return (
      await this.api<{ worker_id: string }>('POST', '/api/v1/workers/scale-up', {
        template_id: template.id,
        reason: 'integration test',
      })
    ).worker_id;
  }

  worker(id: string): Promise<CmlWorker> {
    return this.api<CmlWorker>('GET', `/api/v1/workers/${id}`);
  }

  async waitForWorker(
    id: string,
    what: string,
    ready: (worker: CmlWorker) => boolean,
    timeoutMs = 20_000,
  ): Promise<CmlWorker> {
    let last: CmlWorker | undefined;
    try {
      await waitFor(`worker ${what}`, async () => ready((last = await this.worker(id))), timeoutMs, 150);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; last status ${last?.status}/${last?.service_status} (log: ${this.controller.logFile})`,
      );
    }
    return last as CmlWorker;
  }

  /** The instances EC2 holds for a worker, in any state. */
  async instancesOf(workerId: string): Promise<Instance[]> {
    const output = await this.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:lcm:worker-id', Values: [workerId] }] }),
    );
    return (output.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  }

  async stopBehindLcmsBack(instanceId: string): Promise<void> {
    await this.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  }

  async controllerStats(): Promise<{ decisions: Record<string, number> }> {
    const answer = await fetch(`${this.controllerUrl}/api/admin/stats`, {
      headers: { [INTERNAL_API_KEY_HEADER]: this.cpa.apiKey },
    });
    return (await answer.json()) as { decisions: Record<string, number> };
  }

  /** The control plane as the controllers call it (scheduling and ending sessions in tests). */
  internal(): ControlPlaneApiClient {
    return new ControlPlaneApiClient({
      baseUrl: this.cpa.url,
      apiKey: this.cpa.apiKey,
      actor: 'resource-scheduler',
    });
  }

  /** A session of a small definition, scheduled onto `workerId`. */
  async sessionOn(workerId: string): Promise<string> {
    const definition = await this.api<{ id: string }>('POST', '/api/v1/lablet-definitions', {
      name: `wc-${randomUUID().slice(0, 8)}`,
      version: '1.0.0',
      topology_yaml: 'lab:\n  title: drain\nnodes: []\nlinks: []\n',
      node_count: 1,
      resource_requirements: {
        cpu_cores: 1,
        memory_gb: 1,
        storage_gb: 1,
        nested_virt: false,
        ami_requirements: [],
      },
      max_duration_minutes: 60,
    });
    const session = await this.api<{ id: string }>('POST', '/api/v1/sessions', {
      definition_id: definition.id,
      owner: 'candidate',
      timeslot_end: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await this.internal().sessions.schedule({
      params: { lablet_session_id: session.id },
      body: { worker_id: workerId },
    });
    return session.id;
  }

  /** Only what this run launched: instances carrying this run's deployment tag. */
  private async terminateOwnInstances(): Promise<void> {
    if (!this.ec2) return;
    const output = await this.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:lcm:deployment', Values: [this.deployment] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
    );
    const ids = (output.Reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .map((instance) => instance.InstanceId as string);
    if (ids.length > 0) await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  }
}

/**
 * An HTTP proxy in front of the control plane that can hold back matching requests (never
 * answering them), so a test can kill the controller at an exact point of a step.
 */
export class HoldingProxy {
  private server?: Server;
  url = '';
  readonly held: string[] = [];

  constructor(
    private readonly target: string,
    private readonly hold: (method: string, path: string, body: string) => boolean,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.forward(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (this.hold(request.method ?? 'GET', request.url ?? '/', body)) {
      this.held.push(`${request.method} ${request.url} ${body}`);
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([name]) => !['host', 'connection', 'content-length'].includes(name),
      ),
    ) as Record<string, string>;
    const answer = await fetch(`${this.target}${request.url}`, {
      method: request.method,
      headers,
      ...(body ? { body } : {}),
    });
    response.writeHead(
      answer.status,
      Object.fromEntries(
        [...answer.headers.entries()].filter(
          ([name]) => name !== 'content-encoding' && name !== 'transfer-encoding',
        ),
      ),
    );
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
