import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type CmlWorker,
  type CreateDefinitionBody,
  type LabletDefinition,
  type LabletSession,
  type LabletSessionStatus,
} from '@lcm/contracts';
import { PublicApiClient } from '@lcm/cpa-client';
import { type LcmSystem, launchSystem, PrivateEtcd, REPO_ROOT, TEST_TOPOLOGY, waitFor } from '@lcm/testing';

/**
 * Short timings of the controllers, so a session's whole life takes seconds (each app's env
 * schema: apps/<app>/src/config/env.schema.ts). Lead windows stay in whole minutes where the
 * setting is whole minutes.
 */
export const E2E_TIMINGS = {
  /** resource-scheduler: a future booking is placed 1 minute before its start. */
  leadWindowMinutes: 1,
  /** lablet-controller: instantiation starts 15 s before the timeslot. */
  instantiationLeadMinutes: 0.25,
  /** lablet-controller: a STOPPED session is ARCHIVED 3 s later. */
  retentionMinutes: 0.05,
} as const;

const CONTROLLER = { RESYNC_INTERVAL_MS: '1000', LEASE_TTL_SECONDS: '5', LOG_LEVEL: 'info' };

export type SimulatorName = 'cml' | 'lds' | 'grading';

/**
 * The system for the e2e suite: a private etcd, a store database and a moto deployment name of
 * its own, every app a real process started by the shared launcher, and the clients a test uses:
 * the public API as an admin and the simulators' control APIs. Nothing else.
 */
export class E2eSystem {
  /** Sessions booked since the last `endBookings`. */
  private readonly booked = new Set<string>();

  private constructor(
    readonly etcd: PrivateEtcd,
    readonly system: LcmSystem,
    readonly api: PublicApiClient,
  ) {}

  static async start(): Promise<E2eSystem> {
    const etcd = await PrivateEtcd.start();
    try {
      const system = await launchSystem({
        etcdEndpoint: etcd.endpoint,
        logDir: join(REPO_ROOT, 'reports', 'e2e', 'logs', new Date().toISOString().replace(/[:.]/g, '-')),
        envFor: {
          'resource-scheduler': {
            ...CONTROLLER,
            LEAD_WINDOW_MINUTES: String(E2E_TIMINGS.leadWindowMinutes),
            FLEET_MAX_AGE_MS: '1000',
          },
          'worker-controller': {
            ...CONTROLLER,
            TRANSITION_POLL_MS: '250',
            METRICS_POLL_INTERVAL_MS: '1000',
            ACTIVITY_CHECK_INTERVAL_MS: '1000',
            DISCOVERY_INTERVAL_MS: '5000',
            CML_TIMEOUT_MS: '3000',
            // No session is booked ahead in the scale-down test; the guard itself is unit-tested.
            SCALE_DOWN_GRACE_MINUTES: '0',
          },
          'lablet-controller': {
            ...CONTROLLER,
            LAB_POLL_INTERVAL_MS: '100',
            INSTANTIATION_LEAD_MINUTES: String(E2E_TIMINGS.instantiationLeadMinutes),
            SESSION_RETENTION_MINUTES: String(E2E_TIMINGS.retentionMinutes),
          },
        },
      });
      const token = await system.token(['admin'], 'e2e-operator');
      const api = new PublicApiClient({ baseUrl: system.urls.controlPlane, accessToken: () => token });
      return new E2eSystem(etcd, system, api);
    } catch (error) {
      await etcd.destroy();
      throw error;
    }
  }

  /** Terminates the workers this run launched (through the API, so moto keeps no instance of it), then stops everything. */
  async stop(): Promise<void> {
    try {
      const workers = await this.workers();
      const alive = workers.filter((worker) => worker.status !== 'TERMINATED');
      await Promise.all(
        alive.map((worker) => this.api.workers.terminate({ params: { worker_id: worker.id } })),
      );
      await waitFor(
        'every worker of the run TERMINATED',
        async () => (await this.workers()).every((worker) => worker.status === 'TERMINATED'),
        30_000,
        500,
      );
    } finally {
      await this.system.stop();
      await this.etcd.destroy();
    }
  }

  /** A call to a simulator's control API (docs/simulators/). */
  async sim<T>(name: SimulatorName, method: string, path: string, body?: unknown): Promise<T> {
    const base = { cml: this.system.urls.cml, lds: this.system.urls.lds, grading: this.system.urls.grading }[
      name
    ];
    const answer = await fetch(`${base}/_control${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${name} ${method} ${path} → ${answer.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  createDefinition(overrides: Partial<CreateDefinitionBody> = {}): Promise<LabletDefinition> {
    return this.api.definitions.create({
      body: {
        name: `e2e-${randomUUID().slice(0, 8)}`,
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
        license_affinity: ['ENTERPRISE'],
        port_template: [
          { name: 'r1_serial', protocol: 'serial' },
          { name: 'r2_serial', protocol: 'serial' },
          { name: 'desktop_vnc', protocol: 'vnc' },
        ],
        form_qualified_name: 'LCM/E2E/lab-1',
        grading_rules_uri: 's3://grading/lcm-e2e.yaml',
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
      },
    });
  }

  /** A booking: as soon as possible without `startInMs`, else a timeslot starting then. */
  book(
    definition: LabletDefinition,
    timeslot: { startInMs?: number; endInMs: number } = { endInMs: 3_600_000 },
  ): Promise<LabletSession> {
    const now = Date.now();
    const created = this.api.sessions.create({
      body: {
        definition_id: definition.id,
        owner: `candidate-${randomUUID().slice(0, 6)}@example.com`,
        ...(timeslot.startInMs === undefined
          ? {}
          : { timeslot_start: new Date(now + timeslot.startInMs).toISOString() }),
        timeslot_end: new Date(now + timeslot.endInMs).toISOString(),
      },
    });
    return created.then((session) => (this.booked.add(session.id), session));
  }

  /**
   * Terminates, through the API, what a test booked and left behind (`keep` aside), so a failed
   * test leaves no session holding a worker for the next ones; resolves once they are TERMINATED.
   */
  async endBookings(keep: readonly string[] = []): Promise<void> {
    const ids = [...this.booked].filter((id) => !keep.includes(id));
    ids.forEach((id) => this.booked.delete(id));
    const left = [];
    for (const id of ids) if ((await this.session(id)).status !== 'TERMINATED') left.push(id);
    await Promise.all(left.map((id) => this.api.sessions.terminate({ params: { lablet_session_id: id } })));
    await Promise.all(left.map((id) => this.waitForSession(id, 'TERMINATED')));
  }

  session(id: string): Promise<LabletSession> {
    return this.api.sessions.get({ params: { lablet_session_id: id } });
  }

  /** Waits until the session reaches `status`; the failure names where it is and the controllers' logs. */
  async waitForSession(id: string, status: LabletSessionStatus, timeoutMs = 60_000): Promise<LabletSession> {
    let last: LabletSession | undefined;
    await waitFor(
      `session ${id} to reach ${status}`,
      async () => (last = await this.session(id)).status === status,
      timeoutMs,
      200,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; it is ${last?.status} (history ${JSON.stringify(
          last?.status_history.map((change) => [change.to, change.reason]),
        )}; logs in ${this.system.logDir})`,
      );
    });
    return last as LabletSession;
  }

  async workers(): Promise<CmlWorker[]> {
    return (await this.api.workers.list({ query: { limit: 200 } })).items;
  }

  worker(id: string): Promise<CmlWorker> {
    return this.api.workers.get({ params: { worker_id: id } });
  }

  async waitForWorker(
    id: string,
    what: string,
    ready: (worker: CmlWorker) => boolean,
    timeoutMs = 60_000,
  ): Promise<CmlWorker> {
    let last: CmlWorker | undefined;
    await waitFor(
      `worker ${id} ${what}`,
      async () => ready((last = await this.worker(id))),
      timeoutMs,
      250,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; it is ${last?.status}/${last?.service_status} (logs in ${this.system.logDir})`,
      );
    });
    return last as CmlWorker;
  }

  /** The LDS session the candidate uses, as the control plane records it. */
  async ldsSessionOf(sessionId: string): Promise<string> {
    return (await this.api.sessions.userSession({ params: { lablet_session_id: sessionId } })).lds_session_id;
  }
}
