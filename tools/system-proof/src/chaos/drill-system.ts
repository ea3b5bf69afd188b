import { DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { Etcd3 } from 'etcd3';
import { MongoClient } from 'mongodb';
import { type LabletSessionStatus } from '@lcm/contracts';
import { type LabletSessionState } from '@lcm/domain';
import { LCM_TAGS } from '@lcm/integrations/aws';
import {
  freePort,
  infraEndpoints,
  launchSystem,
  type LcmSystem,
  NodeAppProcess,
  PrivateEtcd,
  TcpOutageProxy,
  TEST_TOPOLOGY,
  waitFor,
} from '@lcm/testing';
import { readSnapshot, type SnapshotSources } from '../invariants/read-snapshot';
import {
  checkAuditLog,
  checkInvariants,
  checkSessionsSettled,
  type CheckOptions,
  type InvariantReport,
  type Violation,
} from '../invariants/rules';
import { Ec2ThrottlingRelay } from './ec2-throttling-relay';
import { type ChaosEvent, describeEvent, type SimulatorFault } from './fault-plan';
import { SeededRandom } from './seeded-random';
import { PrivateStore } from '../private-store';

/** Settings of the processes for a drill: the production loops, run at seconds instead of minutes. */
const FAST_LOOPS = {
  'control-plane-api': {
    PROJECTION_RESYNC_SECONDS: '5',
    PROJECTION_ETCD_PROBE_SECONDS: '1',
    // FerretDB answers a ping in seconds on a loaded CI machine, so 5 s made a slow store look down;
    // yet a request must answer 503 well inside a store outage and the drill's client timeout.
    MONGO_TIMEOUT_MS: '8000',
    LOG_LEVEL: 'warn',
  },
  'resource-scheduler': {
    LEASE_TTL_SECONDS: '3',
    RESYNC_INTERVAL_MS: '2000',
    FLEET_MAX_AGE_MS: '2000',
    FAILURE_PAUSE_SECONDS: '5',
  },
  'worker-controller': {
    LEASE_TTL_SECONDS: '3',
    RESYNC_INTERVAL_MS: '2000',
    TRANSITION_POLL_MS: '1000',
    DISCOVERY_INTERVAL_MS: '10000',
    METRICS_POLL_INTERVAL_MS: '10000',
  },
  'lablet-controller': {
    LEASE_TTL_SECONDS: '3',
    RESYNC_INTERVAL_MS: '2000',
    LAB_POLL_INTERVAL_MS: '200',
    LAB_ACTION_TIMEOUT_SECONDS: '30',
    DISCOVERY_INTERVAL_MS: '10000',
    SESSION_RETENTION_MINUTES: '0',
    GRADING_FAULT_HOLD_MINUTES: '0.1',
    GRADING_POLL_GRACE_SECONDS: '2',
    GRADING_POLL_INTERVAL_SECONDS: '1',
  },
  // The simulated candidate logs in a second after the login URL exists and finishes three later.
  'lds-simulator': { LDS_SIM_AUTO_LOGIN_MS: '1000', LDS_SIM_AUTO_FINISH_MS: '3000' },
  'grading-simulator': { GRADING_SIM_DELAY_MS: '500' },
  'cml-simulator': { CML_SIM_BOOT_MS: '500', CML_SIM_QUEUE_MS: '100' },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The controllers, each leading through its leader key (spec §6) and run here with one standby. */
export type ControllerName = 'resource-scheduler' | 'worker-controller' | 'lablet-controller';

/** What a drill booked: every reservation, and the session id the API answered for it. */
export interface Booking {
  reservationId: string;
  sessionId: string | null;
  attempts: number;
}

/**
 * The whole system for a fault drill: the launcher's processes (libs/testing/src/system), a
 * private etcd and a private store (FerretDB on PostgreSQL) the drill may kill, a TCP relay between
 * the control plane and that store the drill may cut, an HTTP relay between the worker-controller
 * and moto that may throttle EC2, and direct clients for the invariant checker. Nothing of it is
 * shared with other suites, so killing it harms nobody else (moto is shared, but each run has its
 * own deployment tag and the relay only answers for this run's worker-controller).
 */
export class DrillSystem {
  private mongo!: MongoClient;
  private etcdClient!: Etcd3;
  private ec2!: EC2Client;
  private token = '';
  private definitionId = '';
  private templateId = '';

  private constructor(
    readonly etcd: PrivateEtcd,
    readonly storeServer: PrivateStore,
    /** The control plane's link to the store; the invariant checker reads the store directly. */
    readonly store: TcpOutageProxy,
    /** The worker-controller's EC2 endpoint; the invariant checker and the launcher talk to moto directly. */
    readonly ec2Relay: Ec2ThrottlingRelay,
    readonly system: LcmSystem,
  ) {}

  static async start(): Promise<DrillSystem> {
    const [etcd, storeServer] = await Promise.all([PrivateEtcd.start(), PrivateStore.start()]);
    const store = new TcpOutageProxy(await freePort(), { host: '127.0.0.1', port: storeServer.port });
    const ec2Relay = new Ec2ThrottlingRelay(await freePort(), new URL(infraEndpoints().awsEndpointUrl));
    await Promise.all([store.up(), ec2Relay.start()]);
    try {
      const system = await launchSystem({
        etcdEndpoint: etcd.endpoint,
        mongoUrl: `mongodb://127.0.0.1:${store.port}`,
        envFor: {
          ...FAST_LOOPS,
          'worker-controller': { ...FAST_LOOPS['worker-controller'], AWS_ENDPOINT_URL: ec2Relay.url },
        },
        // Eight Node processes compiling at once on two shared cores take minutes to answer.
        startTimeoutMs: 300_000,
      });
      const drill = new DrillSystem(etcd, storeServer, store, ec2Relay, system);
      await drill.connect();
      return drill;
    } catch (error) {
      await Promise.all([store.down(), ec2Relay.stop()]);
      await Promise.all([etcd.destroy(), storeServer.destroy()]);
      throw error;
    }
  }

  private async connect(): Promise<void> {
    this.mongo = await MongoClient.connect(this.storeServer.url);
    this.etcdClient = new Etcd3({ hosts: this.etcd.endpoint });
    this.ec2 = new EC2Client({
      region: this.system.awsRegion,
      endpoint: this.system.urls.aws,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    this.token = await this.system.token(['admin'], 'chaos-drill');
  }

  get sources(): SnapshotSources {
    return {
      db: this.mongo.db(this.system.mongoDb),
      etcd: this.etcdClient,
      ec2: this.ec2,
      deployment: this.system.deployment,
      cmlSimulatorUrl: this.system.urls.cml,
    };
  }

  get etcdKv(): Etcd3 {
    return this.etcdClient;
  }

  /** One call of the public API; network errors (a killed control plane) are status 0. */
  async api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; retryAfter: string | null; json: unknown }> {
    try {
      const answer = await fetch(`${this.system.urls.controlPlane}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Well above MONGO_TIMEOUT_MS: a call waiting on an absent store must get its 503.
        signal: AbortSignal.timeout(30_000),
      });
      const text = await answer.text();
      return {
        status: answer.status,
        retryAfter: answer.headers.get('retry-after'),
        json: text ? (JSON.parse(text) as unknown) : null,
      };
    } catch {
      return { status: 0, retryAfter: null, json: null };
    }
  }

  /** Retries a call through outages and restarts (no answer, 5xx) until it answers `accepted`; gives up on a refusal or at the deadline. */
  private async until(
    what: string,
    call: () => Promise<{ status: number; json: unknown }>,
    accepted: (status: number) => boolean,
    timeoutMs = 120_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await call();
      if (accepted(answer.status)) return answer;
      // A request the API refuses is a mistake of the drill, not an outage to wait out.
      const refused =
        answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429;
      if (refused || Date.now() > deadline)
        throw new Error(`${what}: last answer ${answer.status} ${JSON.stringify(answer.json)}`);
      await sleep(1_000);
    }
  }

  /** A definition of the drill's lab and `count` workers of the seeded multi-session template, all RUNNING. */
  async prepareFleet(count: number): Promise<void> {
    const definition = await this.until(
      'create the definition',
      () =>
        this.api('POST', '/api/v1/lablet-definitions', {
          name: `chaos-${this.system.deployment}`,
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
          port_template: [
            { name: 'r1_serial', protocol: 'serial' },
            { name: 'r2_serial', protocol: 'serial' },
            { name: 'desktop_vnc', protocol: 'vnc' },
          ],
          form_qualified_name: 'LCM/CHAOS/lab-1',
          grading_rules_uri: 's3://grading/chaos.yaml',
          max_duration_minutes: 240,
          lab_reuse_enabled: true,
        }),
      (status) => status === 201,
    );
    this.definitionId = (definition.json as { id: string }).id;
    const templates = await this.until(
      'list templates',
      () => this.api('GET', '/api/v1/worker-templates?limit=100'),
      (status) => status === 200,
    );
    const template = (templates.json as { items: { id: string; name: string }[] }).items.find(
      (item) => item.name === 'multi-sessions',
    );
    if (!template) throw new Error('the seeded multi-sessions template is missing');
    this.templateId = template.id;
    for (let index = 0; index < count; index += 1) await this.createWorker(`chaos-worker-${index}`);
    await waitFor(
      `${count} RUNNING workers`,
      async () => {
        const workers = await this.mongo
          .db(this.system.mongoDb)
          .collection('cml_workers')
          .countDocuments({ status: 'RUNNING', service_status: 'AVAILABLE' });
        return workers >= count;
      },
      180_000,
      1_000,
    );
  }

  /** One more worker of the seeded multi-sessions template (PENDING: the worker-controller launches it); its id. */
  async createWorker(name: string): Promise<string> {
    const created = await this.until(
      'create a worker',
      () => this.api('POST', '/api/v1/workers', { template_id: this.templateId, name }),
      (status) => status === 201,
    );
    return (created.json as { id: string }).id;
  }

  /** A worker's status and service status as the store has them (read directly, not through the API). */
  async workerState(workerId: string): Promise<{ status: string; service_status: string } | null> {
    return this.mongo
      .db(this.system.mongoDb)
      .collection<{ _id: string; status: string; service_status: string }>('cml_workers')
      .findOne({ _id: workerId }, { projection: { status: 1, service_status: 1 } });
  }

  /**
   * Books one ASAP session under a reservation id; a lost answer is retried with the same id, and
   * 409 then means the first attempt went through (spec §3.2: reservation ids are unique).
   */
  async book(reservationId: string, minutes = 20): Promise<Booking> {
    const booking: Booking = { reservationId, sessionId: null, attempts: 0 };
    const body = {
      definition_id: this.definitionId,
      owner: `candidate-${reservationId}`,
      reservation_id: reservationId,
      timeslot_end: new Date(Date.now() + minutes * 60_000).toISOString(),
    };
    const answer = await this.until(
      `book ${reservationId}`,
      () => {
        booking.attempts += 1;
        return this.api('POST', '/api/v1/sessions', body);
      },
      (status) => status === 201 || status === 409,
    );
    if (answer.status === 201) booking.sessionId = (answer.json as { id: string }).id;
    return booking;
  }

  /** The store's sessions with these reservation ids (read directly, not through the API). */
  async sessionsOf(bookings: readonly Booking[]): Promise<LabletSessionState[]> {
    const documents = await this.mongo
      .db(this.system.mongoDb)
      .collection('lablet_sessions')
      .find({ reservation_id: { $in: bookings.map((booking) => booking.reservationId) } })
      .toArray();
    return documents.map(({ _id, ...rest }) => ({ id: _id, ...rest }) as unknown as LabletSessionState);
  }

  /**
   * Waits until every session is terminal or waiting (checkSessionsSettled) and every change is
   * audited, or the timeout. An audit write that failed after its commit (a store cut at that
   * moment) is made good by the outbox relay on its next pass, up to a minute later
   * (docs/decisions/outbox.md): until then the run has not settled, it has not lost the entry.
   */
  async settle(
    options: CheckOptions,
    timeoutMs: number,
  ): Promise<{ settledAfterMs: number; settled: boolean }> {
    const started = Date.now();
    for (;;) {
      const snapshot = await readSnapshot(this.sources).catch(() => null);
      if (
        snapshot &&
        checkSessionsSettled(snapshot, { ...options, expectedSessionIds: [] }).length === 0 &&
        checkAuditLog(snapshot).length === 0
      )
        return { settledAfterMs: Date.now() - started, settled: true };
      if (Date.now() - started > timeoutMs) return { settledAfterMs: Date.now() - started, settled: false };
      await sleep(2_000);
    }
  }

  /**
   * Checks every invariant on two snapshots `intervalMs` apart and reports the violations found in
   * both: the sources are read one after another, not in one transaction, so a change landing
   * between two reads looks like a violation once, while a real one stays.
   */
  async check(options: CheckOptions, intervalMs = 5_000): Promise<InvariantReport> {
    const first = checkInvariants(await readSnapshot(this.sources), options);
    if (first.violations.length === 0) return first;
    await sleep(intervalMs);
    const second = checkInvariants(await readSnapshot(this.sources), options);
    const key = (violation: Violation) => `${violation.invariant}|${violation.subject}|${violation.detail}`;
    const seen = new Set(first.violations.map(key));
    const lasting = second.violations.filter((violation) => seen.has(key(violation)));
    return { violations: lasting, figures: { ...second.figures, violations: lasting.length } };
  }

  /** Runs one event of a fault plan to its end: the process is back, the dependency returned, the fault cleared. */
  async apply(event: ChaosEvent, log: (line: string) => void): Promise<void> {
    log(describeEvent(event));
    if (event.kind === 'kill') {
      await this.system.kill(event.target);
      await sleep(event.pauseMs);
      await this.system.startProcess(event.target);
    } else if (event.kind === 'outage' && event.target === 'etcd') {
      await this.etcd.kill();
      await sleep(event.pauseMs);
      await this.etcd.start();
    } else if (event.kind === 'outage' && event.target === 'store') {
      await this.storeServer.kill();
      await sleep(event.pauseMs);
      await this.storeServer.start();
    } else if (event.kind === 'outage') {
      await this.store.down();
      await sleep(event.pauseMs);
      await this.store.up();
    } else {
      await this.simulatorFault(event.fault, true, event.atMs);
      await sleep(event.pauseMs);
      await this.simulatorFault(event.fault, false, event.atMs);
    }
  }

  private async simulatorFault(fault: SimulatorFault, on: boolean, atMs: number): Promise<void> {
    if (fault.simulator === 'ec2') {
      // The draws of which calls are refused come from the event, itself a function of the seed.
      if (on) this.ec2Relay.throttle(fault.rate, new SeededRandom(atMs));
      else this.ec2Relay.clear();
      return;
    }
    const base = { cml: this.system.urls.cml, lds: this.system.urls.lds, grading: this.system.urls.grading }[
      fault.simulator
    ];
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${base}/_control${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    if (fault.kind === 'grading-failures') {
      await control('PUT', '/config', { failGrading: on });
      return;
    }
    if (!on) {
      await control('DELETE', '/faults');
      return;
    }
    await control(
      'PUT',
      '/faults',
      fault.kind === 'http-errors'
        ? { errorRates: { [fault.status]: fault.rate }, retryAfterSeconds: 1 }
        : { latencyMs: fault.latencyMs },
    );
  }

  /**
   * A second replica of a controller with the settings of the first (own port, replica id
   * `<name>-standby`): the standby that takes over when the leader dies, as in a deployment with
   * two replicas.
   */
  async startStandby(name: ControllerName): Promise<NodeAppProcess> {
    const leader = this.system.process(name).options;
    const port = await freePort();
    const standby = new NodeAppProcess({
      ...leader,
      name: `${name}-standby`,
      env: { ...leader.env, PORT: String(port), REPLICA_ID: `${name}-standby` },
      readyUrl: `http://127.0.0.1:${port}/health`,
    });
    await standby.start(300_000);
    return standby;
  }

  /** The replica holding a controller's leader key (spec §6), or null while there is none. */
  async leaderOf(controller: ControllerName): Promise<string | null> {
    const raw = await this.etcdClient.get(`/lcm/${controller}/leader`).string();
    return raw ? (JSON.parse(raw) as { replica_id: string }).replica_id : null;
  }

  async statusCounts(bookings: readonly Booking[]): Promise<Partial<Record<LabletSessionStatus, number>>> {
    const counts: Partial<Record<LabletSessionStatus, number>> = {};
    for (const session of await this.sessionsOf(bookings))
      counts[session.status] = (counts[session.status] ?? 0) + 1;
    return counts;
  }

  /** moto is shared: the run's instances (its `lcm:deployment` tag) are terminated when it ends. */
  private async terminateInstances(): Promise<void> {
    const page = await this.ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: `tag:${LCM_TAGS.deployment}`, Values: [this.system.deployment] }],
      }),
    );
    const ids = (page.Reservations ?? [])
      .flatMap((reservation) => (reservation.Instances ?? []).map((instance) => instance.InstanceId ?? ''))
      .filter(Boolean);
    if (ids.length > 0) await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  }

  /** Stops every process, removes the run's database and the private etcd; moto instances are terminated by tag. */
  async stop(): Promise<void> {
    await this.system.stop();
    await this.terminateInstances().catch(() => undefined);
    await Promise.all([this.store.down(), this.ec2Relay.stop()]);
    await this.mongo.close();
    this.etcdClient.close();
    await Promise.all([this.etcd.destroy(), this.storeServer.destroy()]);
  }
}
