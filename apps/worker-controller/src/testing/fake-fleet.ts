import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import {
  apiContract,
  type CmlWorker,
  type CmlWorkerStatus,
  type LabletSession,
  type SystemSettings,
  type WorkerTemplate,
} from '@lcm/contracts';
import { blankCmlWorker, blankSystemSettings } from '@lcm/contracts/testing';
import { ConflictError } from '@lcm/cpa-client';
import { CML_WORKER_TRANSITIONS, evaluateIdleness, recordActivity } from '@lcm/domain';
import { AwsFake } from '@lcm/integrations/aws';
import { CmlFake } from '@lcm/integrations/cml';
import { createLogger } from '@lcm/observability';
import { FakeControlPlane } from '@lcm/testing';
import { RegionsConfig } from '../config/regions-config';
import { AwsRegions } from '../infrastructure/aws-regions';
import { CmlClients } from '../infrastructure/cml-clients';
import { Decisions } from '../operations/decisions';
import { type WorkerControllerDeps } from '../operations/worker-context';

const workers = apiContract.internal.workers;
const at = '2026-04-10T08:00:00.000Z';
export const REGION = 'us-east-1';
export const TEMPLATE_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

export const template: WorkerTemplate = {
  id: TEMPLATE_ID,
  version: 1,
  created_at: at,
  updated_at: at,
  name: 'multi-sessions',
  description: null,
  instance_type: 'm5zn.metal',
  capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
  license_type: 'ENTERPRISE',
  max_nodes: 250,
  ami_pattern: 'CML-2.9.*',
  region: REGION,
  startup_time_minutes: 20,
  port_range: { start: 2000, end: 7999 },
  drain_timeout_hours: 4,
  cost_per_hour_usd: 3.96,
  enabled: true,
  is_seeded: true,
};

export const defaultSettings = (): SystemSettings => ({
  ...blankSystemSettings,
  features: { lab_discovery_v2_enabled: false },
});

/** A complete worker view (the internal API's answer) in `status`, without EC2 facts unless given. */
export function aWorkerView(overrides: Partial<CmlWorker> = {}): CmlWorker {
  return {
    ...blankCmlWorker,
    id: randomUUID(),
    version: 1,
    created_at: at,
    updated_at: at,
    name: 'cml-worker',
    aws_region: REGION,
    template_id: TEMPLATE_ID,
    template_name: template.name,
    origin: 'scale_up',
    created_by: 'operator',
    status: 'PENDING',
    service_status: 'UNAVAILABLE',
    declared_capacity: { ...template.capacity, max_nodes: template.max_nodes },
    available_capacity: { ...template.capacity, max_nodes: template.max_nodes },
    ...overrides,
  };
}

/**
 * The control plane as far as the worker-controller sees it, on top of `FakeControlPlane`: workers
 * held in memory, each PATCH checked against the transition table (409 like CPA), stop/drain/metrics/
 * activity applied the way CPA applies them. EC2 is an `AwsFake`, every worker's CML one `CmlFake`.
 */
export class FakeFleet {
  readonly cpa = new FakeControlPlane();
  readonly aws = new AwsFake();
  readonly cml = new Map<string, CmlFake>();
  readonly workers = new Map<string, CmlWorker>();
  readonly sessions = new Map<string, LabletSession[]>();
  pendingSessions: LabletSession[] = [];
  settings = defaultSettings();
  now = new Date('2026-04-10T12:00:00.000Z');
  readonly decisions = new Decisions(new Registry(), createLogger({ service: 'test', level: 'silent' }));
  readonly deps: WorkerControllerDeps;

  constructor(options: { regions?: RegionsConfig } = {}) {
    const cpa = this.cpa;
    cpa.on(workers.getWorker, ({ params }) => this.worker(String(params.worker_id)));
    cpa.on(workers.listWorkers, ({ query }) => {
      const statuses = (query?.status as CmlWorkerStatus[] | undefined) ?? null;
      const items = [...this.workers.values()].filter((worker) =>
        statuses ? statuses.includes(worker.status) : worker.status !== 'TERMINATED',
      );
      return { items, next_cursor: null };
    });
    cpa.on(workers.patchWorker, ({ params, body }) => {
      const worker = this.worker(String(params.worker_id));
      const { reason: _reason, ...fields } = body;
      if (body.status && body.status !== worker.status) this.transition(worker, body.status);
      return this.put({
        ...worker,
        ...fields,
        ...(body.status === 'STOPPED'
          ? { public_ip: null, private_ip: null, https_endpoint: null, metrics: null }
          : {}),
      });
    });
    cpa.on(workers.stopWorker, ({ params }) => {
      const worker = this.worker(String(params.worker_id));
      this.transition(worker, 'STOPPING');
      return this.put({ ...worker, status: 'STOPPING', desired_status: 'stopped' });
    });
    cpa.on(workers.drainWorker, ({ params, body }) => {
      const worker = this.worker(String(params.worker_id));
      this.transition(worker, 'DRAINING');
      return this.put({
        ...worker,
        status: 'DRAINING',
        desired_status: 'stopped',
        drain_reason: body.reason,
        drain_started_at: this.now.toISOString(),
        drain_requested_by: 'worker-controller',
      });
    });
    cpa.on(workers.reportMetrics, ({ params, body }) => {
      const worker = this.worker(String(params.worker_id));
      const next = new Date(
        Date.parse(body.collected_at) + this.settings.monitoring.worker_metrics_poll_interval_seconds * 1000,
      ).toISOString();
      return this.put({
        ...worker,
        metrics: body.metrics ?? worker.metrics,
        cloudwatch: { ...worker.cloudwatch, next_refresh_at: next },
      });
    });
    cpa.on(workers.reportActivity, ({ params, body }) => {
      const worker = this.worker(String(params.worker_id));
      const activity = recordActivity(worker, body, this.settings.idle_detection);
      const { last_activity_at, last_activity_check_at, next_idle_check_at, target_pause_at } = activity;
      const updated = this.put({
        ...worker,
        last_activity_at,
        last_activity_check_at,
        next_idle_check_at,
        target_pause_at,
      });
      return evaluateIdleness({ ...updated, activity }, this.settings.idle_detection, this.now);
    });
    cpa.on(workers.listWorkerSessions, ({ params }) => ({
      items: this.sessions.get(String(params.worker_id)) ?? [],
      next_cursor: null,
    }));
    cpa.on(workers.completeLicenseOperation, ({ params }) => this.worker(String(params.worker_id)));
    cpa.on(apiContract.internal.workerTemplates.getWorkerTemplate, () => template);
    cpa.on(apiContract.internal.settings.getSettings, () => this.settings);
    cpa.on(apiContract.internal.sessions.listSessions, () => ({
      items: this.pendingSessions,
      next_cursor: null,
    }));
    this.aws.registerImage({ name: 'CML-2.9.0-build-1', creation_date: '2025-01-01T00:00:00.000Z' });
    this.deps = {
      cpa: cpa.client,
      aws: new AwsRegions(() => this.aws),
      cml: new CmlClients('http://cml.test/workers/{instance_id}', (baseUrl) =>
        this.cmlFor(baseUrl.split('/').pop() as string),
      ),
      regions:
        options.regions ??
        new RegionsConfig(
          {
            regions: {
              [REGION]: {
                subnet_id: 'subnet-1',
                security_group_ids: ['sg-1'],
                default_tags: { team: 'lcm' },
                ami_owners: ['self'],
              },
            },
          },
          'test',
        ),
      decisions: this.decisions,
      logger: createLogger({ service: 'test', level: 'silent' }),
      now: () => this.now,
      settings: {
        deploymentName: 'lcm-test',
        transitionPollMs: 1_000,
        ec2ConsistencyGraceMs: 60_000,
        workerBootMinutes: 20,
        drainTimeoutHours: 4,
        scaleDownGraceMinutes: 30,
        activityCheckIntervalMs: 30 * 60_000,
        cmlConcurrency: 8,
      },
    };
  }

  /** The CML of the worker on instance `instanceId` (made on first use, like the fleet simulator's auto-registration). */
  cmlFor(instanceId: string): CmlFake {
    let cml = this.cml.get(instanceId);
    if (!cml) {
      cml = new CmlFake();
      this.cml.set(instanceId, cml);
    }
    return cml;
  }

  add(overrides: Partial<CmlWorker> = {}): CmlWorker {
    return this.put(aWorkerView(overrides));
  }

  /** A RUNNING worker on a running instance of the fake EC2, as after a completed scale-up. */
  async addRunning(overrides: Partial<CmlWorker> = {}): Promise<CmlWorker> {
    const id = overrides.id ?? randomUUID();
    const instance = await this.aws.launchInstance({
      workerId: id,
      templateName: template.name,
      deploymentName: 'lcm-test',
      imageId: 'ami-1',
      instanceType: 'm5zn.metal',
      subnetId: 'subnet-1',
      securityGroupIds: ['sg-1'],
    });
    const settled = await this.aws.describeInstance(instance.instance_id);
    this.aws.recorder.reset();
    return this.add({
      id,
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      aws_instance_id: instance.instance_id,
      public_ip: settled.public_ip,
      private_ip: settled.private_ip,
      start_initiated_at: this.now.toISOString(),
      ...overrides,
    });
  }

  worker(id: string): CmlWorker {
    const worker = this.workers.get(id);
    if (!worker) throw Object.assign(new Error(`no worker ${id}`), { status: 404 });
    return structuredClone(worker);
  }

  private put(worker: CmlWorker): CmlWorker {
    this.workers.set(worker.id, structuredClone(worker));
    return structuredClone(worker);
  }

  private transition(worker: CmlWorker, to: CmlWorkerStatus): void {
    if (!(CML_WORKER_TRANSITIONS[worker.status] as readonly CmlWorkerStatus[]).includes(to)) {
      throw new ConflictError({
        method: 'PATCH',
        path: '/api/internal/workers',
        status: 409,
        code: 'INVALID_TRANSITION',
        detail: `${worker.status} → ${to}`,
      });
    }
  }

  statuses(workerId: string): CmlWorkerStatus[] {
    return this.cpa
      .callsTo(workers.patchWorker)
      .filter((call) => call.params.worker_id === workerId && call.body.status)
      .map((call) => call.body.status as CmlWorkerStatus);
  }
}
