import { randomUUID } from 'node:crypto';
import {
  type CmlWorker,
  type CreateDefinitionBody,
  type LabletDefinition,
  type LabletSession,
  type LabletSessionStatus,
} from '@lcm/contracts';
import { ControlPlaneApiClient, PublicApiClient } from '@lcm/cpa-client';
import {
  ControlPlaneProcess,
  freePort,
  NodeAppProcess,
  PrivateEtcd,
  TEST_TOPOLOGY,
  waitFor,
} from '@lcm/testing';

export function testDefinitionBody(overrides: Partial<CreateDefinitionBody> = {}): CreateDefinitionBody {
  return {
    name: `lcm-test-${randomUUID().slice(0, 8)}`,
    version: '1.0.0',
    topology_yaml: TEST_TOPOLOGY,
    node_count: 3,
    resource_requirements: {
      cpu_cores: 2,
      memory_gb: 4,
      storage_gb: 10,
      nested_virt: false,
      ami_requirements: [],
    },
    license_affinity: ['PERSONAL', 'ENTERPRISE'],
    port_template: [
      { name: 'r1_serial', protocol: 'serial' },
      { name: 'r2_serial', protocol: 'serial' },
      { name: 'desktop_vnc', protocol: 'vnc' },
    ],
    form_qualified_name: 'LCM/TEST/lab-1',
    grading_rules_uri: 's3://grading/lcm-test.yaml',
    grading_collector: 'ccm',
    max_duration_minutes: 240,
    warm_pool_depth: 0,
    owner_notification: null,
    lab_reuse_enabled: true,
    multi_lab_enabled: false,
    boot_lead_time_minutes: null,
    pipelines: {},
    user_visible_devices: null,
    lab_artifact_uri: null,
    ...overrides,
  };
}

/** A running simulator as the system needs it. */
interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

/** The three simulators, started by the caller (tests and benchmarks pick their options) with the controller's events URL as sink. */
export interface Simulators {
  cml: RunningSimulator;
  lds: RunningSimulator;
  grading: RunningSimulator;
}

export interface LabletSystemOptions<S extends Simulators> {
  startSimulators: (sinkUrl: string) => Promise<S>;
  /** Extra lablet-controller settings (e.g. a short grading fault hold). */
  controllerEnv?: Record<string, string>;
  logDir?: string;
}

/** A worker the way the worker-controller reports it once CML is up: RUNNING, AVAILABLE, with instance id and address. */
export async function reportRunningWorker(
  admin: PublicApiClient,
  internal: ControlPlaneApiClient,
): Promise<CmlWorker> {
  const template = await admin.templates.create({
    body: {
      name: `tpl-${randomUUID().slice(0, 8)}`,
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 96, memory_gb: 384, storage_gb: 2000 },
      license_type: 'ENTERPRISE',
      max_nodes: 500,
      ami_pattern: 'CML-2.9.*',
      region: 'us-east-1',
    },
  });
  const created = await admin.workers.create({ body: { template_id: template.id } });
  const params = { worker_id: created.id };
  const instanceId = `i-${created.id.replace(/-/g, '').slice(0, 17)}`;
  await internal.workers.patch({ params, body: { status: 'PROVISIONING', aws_instance_id: instanceId } });
  return internal.workers.patch({
    params,
    body: {
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      https_endpoint: `https://${instanceId}.example.test`,
      public_ip: '203.0.113.10',
    },
  });
}

/**
 * The local system minus the resource-scheduler and worker-controller, on ports of its own: a
 * private etcd, a control plane, the three simulators posting CloudEvents to the lablet-controller
 * (a real process, so tests can kill -9 it). Workers are created and reported RUNNING through the
 * API and sessions scheduled through the internal route, as those two controllers would.
 */
export class LabletSystem<S extends Simulators = Simulators> {
  readonly internal: ControlPlaneApiClient;

  private constructor(
    readonly etcd: PrivateEtcd,
    readonly cpa: ControlPlaneProcess,
    readonly sims: S,
    readonly controller: NodeAppProcess,
    readonly controllerUrl: string,
    readonly admin: PublicApiClient,
  ) {
    this.internal = new ControlPlaneApiClient({
      baseUrl: cpa.url,
      apiKey: cpa.apiKey,
      actor: 'lablet-controller',
    });
  }

  get eventsUrl(): string {
    return `${this.controllerUrl}/api/events`;
  }

  static async start<S extends Simulators>(options: LabletSystemOptions<S>): Promise<LabletSystem<S>> {
    const etcd = await PrivateEtcd.start();
    const cpa = await ControlPlaneProcess.start({
      etcdEndpoint: etcd.endpoint,
      ...(options.logDir ? { logDir: options.logDir } : {}),
    });
    const port = await freePort();
    const controllerUrl = `http://127.0.0.1:${port}`;
    const sinkUrl = `${controllerUrl}/api/events`;
    const sims = await options.startSimulators(sinkUrl);
    const controller = new NodeAppProcess({
      name: 'lablet-controller',
      entry: 'apps/lablet-controller/src/main.ts',
      readyUrl: `${controllerUrl}/ready`,
      ...(options.logDir ? { logDir: options.logDir } : {}),
      env: {
        PORT: String(port),
        CPA_URL: cpa.url,
        CPA_API_KEY: cpa.apiKey,
        ETCD_ENDPOINTS: etcd.endpoint,
        LEASE_TTL_SECONDS: '2',
        RESYNC_INTERVAL_MS: '1000',
        LAB_POLL_INTERVAL_MS: '100',
        DISCOVERY_INTERVAL_MS: '600000',
        SESSION_RETENTION_MINUTES: '0',
        CML_URL_TEMPLATE: `${sims.cml.url}/workers/{instance_id}`,
        LDS_URL: sims.lds.url,
        GRADING_URL: sims.grading.url,
        LOG_LEVEL: 'info',
        ...options.controllerEnv,
      },
    });
    await controller.start();
    const token = await cpa.token(['admin']);
    const admin = new PublicApiClient({ baseUrl: cpa.url, accessToken: () => token });
    return new LabletSystem(etcd, cpa, sims, controller, controllerUrl, admin);
  }

  /** A worker the way the worker-controller reports it once CML is up: RUNNING, AVAILABLE, with instance id and address. */
  runningWorker(): Promise<CmlWorker> {
    return reportRunningWorker(this.admin, this.internal);
  }

  createDefinition(overrides: Partial<CreateDefinitionBody> = {}): Promise<LabletDefinition> {
    return this.admin.definitions.create({ body: testDefinitionBody(overrides) });
  }

  /** A PENDING session as soon as possible, as one POST /api/v1/sessions makes it. */
  createSession(definition: LabletDefinition, minutes = 60): Promise<LabletSession> {
    return this.admin.sessions.create({
      body: {
        definition_id: definition.id,
        owner: `candidate-${randomUUID().slice(0, 6)}@example.com`,
        timeslot_end: new Date(Date.now() + minutes * 60_000).toISOString(),
      },
    });
  }

  /** Places a session on the worker (the resource-scheduler's part); repeating it is a no-op. */
  schedule(session: LabletSession, worker: CmlWorker): Promise<LabletSession> {
    return this.internal.sessions.schedule({
      params: { lablet_session_id: session.id },
      body: { worker_id: worker.id },
    });
  }

  async scheduledSession(
    definition: LabletDefinition,
    worker: CmlWorker,
    minutes = 60,
  ): Promise<LabletSession> {
    return this.schedule(await this.createSession(definition, minutes), worker);
  }

  session(id: string): Promise<LabletSession> {
    return this.internal.sessions.get({ params: { lablet_session_id: id } });
  }

  async waitForStatus(id: string, status: LabletSessionStatus, timeoutMs = 20_000): Promise<LabletSession> {
    let last: LabletSession | undefined;
    await waitFor(
      `session ${id} to reach ${status}`,
      async () => {
        last = await this.session(id);
        return last.status === status;
      },
      timeoutMs,
      50,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; it is ${last?.status} (history ${JSON.stringify(last?.status_history.map((h) => [h.to, h.reason]))}, progress ${JSON.stringify(last?.pipeline_progress)}; controller log ${this.controller.logFile})`,
      );
    });
    return last!;
  }

  /** The LDS session the candidate would log in to. */
  ldsSessionIdOf(session: LabletSession): string {
    const id = session.pipeline_progress['instantiate']?.['lds_provision']?.result_data?.['lds_session_id'];
    if (typeof id !== 'string') throw new Error(`session ${session.id} has no LDS session`);
    return id;
  }

  async close(): Promise<void> {
    await this.controller.kill();
    await Promise.all([this.sims.cml.close(), this.sims.lds.close(), this.sims.grading.close()]);
    await this.cpa.kill();
    await this.etcd.destroy();
  }
}
