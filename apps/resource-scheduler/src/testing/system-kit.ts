import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import type { Etcd3 } from 'etcd3';
import {
  type CmlWorker,
  decodeEtcdValue,
  etcdKeys,
  INTERNAL_API_KEY_HEADER,
  type LabletSession,
  type LeaderValue,
} from '@lcm/contracts';
import { createEtcdClient } from '@lcm/etcd';
import { ControlPlaneProcess, freePort, NodeAppProcess, PrivateEtcd } from '@lcm/testing';

/** Fast leadership and resync for tests; the defaults (15 s, 30 s) are for production. */
export const TEST_LEASE_TTL_SECONDS = 3;
export const TEST_RESYNC_MS = 1_500;

export interface SchedulerProcess {
  process: NodeAppProcess;
  url: string;
  replicaId: string;
}

/**
 * A private etcd and a real control plane, with helpers that build a fleet through the public and
 * internal API the way operators and the worker-controller do, and start scheduler processes.
 */
export class SchedulerSystem {
  private constructor(
    readonly etcd: PrivateEtcd,
    readonly cpa: ControlPlaneProcess,
    readonly admin: AxiosInstance,
    readonly internal: AxiosInstance,
    private readonly etcdClient: Etcd3,
  ) {}

  static async start(): Promise<SchedulerSystem> {
    const etcd = await PrivateEtcd.start();
    const cpa = await ControlPlaneProcess.start({ etcdEndpoint: etcd.endpoint });
    const token = await cpa.token(['admin']);
    const admin = axios.create({ baseURL: cpa.url, headers: { authorization: `Bearer ${token}` } });
    const internal = axios.create({
      baseURL: cpa.url,
      headers: { [INTERNAL_API_KEY_HEADER]: cpa.apiKey, 'x-lcm-actor': 'worker-controller' },
    });
    return new SchedulerSystem(etcd, cpa, admin, internal, createEtcdClient([etcd.endpoint]));
  }

  async stop(): Promise<void> {
    this.etcdClient.close();
    await this.cpa.kill();
    await this.etcd.destroy();
  }

  async updateScaling(scaling: Record<string, unknown>): Promise<void> {
    await this.admin.put('/api/v1/settings', { scaling });
  }

  async createTemplate(overrides: Record<string, unknown> = {}): Promise<string> {
    const { data } = await this.admin.post('/api/v1/worker-templates', {
      name: `tpl-${randomUUID().slice(0, 8)}`,
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 16, memory_gb: 64, storage_gb: 500 },
      license_type: 'ENTERPRISE',
      max_nodes: 100,
      ami_pattern: 'CML-2.9.*',
      region: 'us-east-1',
      cost_per_hour_usd: 4,
      ...overrides,
    });
    return data.id as string;
  }

  /** A worker from `templateId`, reported PROVISIONING and then RUNNING with CML AVAILABLE. */
  async runningWorker(templateId: string): Promise<string> {
    const { data } = await this.admin.post('/api/v1/workers', { template_id: templateId });
    await this.bringUp(data.id as string);
    return data.id as string;
  }

  async bringUp(workerId: string): Promise<void> {
    await this.internal.patch(`/api/internal/workers/${workerId}`, {
      status: 'PROVISIONING',
      aws_instance_id: `i-${workerId.slice(0, 8)}`,
    });
    await this.internal.patch(`/api/internal/workers/${workerId}`, {
      status: 'RUNNING',
      service_status: 'AVAILABLE',
      ami_name: 'CML-2.9.0',
      https_endpoint: 'https://10.0.0.9',
    });
  }

  async createDefinition(
    resources: { cpu_cores: number; memory_gb?: number; storage_gb?: number },
    nodeCount = 2,
  ): Promise<string> {
    const { data } = await this.admin.post('/api/v1/lablet-definitions', {
      name: `lab-${randomUUID().slice(0, 8)}`,
      version: '1.0.0',
      topology_yaml: 'lab:\n  title: placement\nnodes: []\n',
      node_count: nodeCount,
      resource_requirements: {
        memory_gb: 4,
        storage_gb: 10,
        nested_virt: false,
        ami_requirements: [],
        ...resources,
      },
      port_template: [{ name: 'console', protocol: 'telnet' }],
      max_duration_minutes: 120,
    });
    return data.id as string;
  }

  /** An ASAP session (no timeslot start) of `definitionId`. */
  async createSession(definitionId: string): Promise<string> {
    const { data } = await this.admin.post('/api/v1/sessions', {
      definition_id: definitionId,
      owner: `candidate-${randomUUID().slice(0, 6)}`,
      timeslot_end: new Date(Date.now() + 3_600_000).toISOString(),
    });
    return data.id as string;
  }

  async session(id: string): Promise<LabletSession> {
    return (await this.internal.get(`/api/internal/sessions/${id}`)).data as LabletSession;
  }

  async workers(query: Record<string, string> = {}): Promise<CmlWorker[]> {
    return (await this.internal.get('/api/internal/workers', { params: { limit: 200, ...query } })).data
      .items as CmlWorker[];
  }

  async drainAll(): Promise<void> {
    for (const worker of await this.workers({ status: 'RUNNING' }))
      await this.admin.post(`/api/v1/workers/${worker.id}/drain`, { reason: 'test finished' });
  }

  async startScheduler(replicaId: string, env: Record<string, string> = {}): Promise<SchedulerProcess> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const process = new NodeAppProcess({
      name: `resource-scheduler-${replicaId}`,
      entry: 'apps/resource-scheduler/src/main.ts',
      readyUrl: `${url}/ready`,
      env: {
        PORT: String(port),
        CPA_URL: this.cpa.url,
        CPA_API_KEY: this.cpa.apiKey,
        ETCD_ENDPOINTS: this.etcd.endpoint,
        LEASE_TTL_SECONDS: String(TEST_LEASE_TTL_SECONDS),
        RESYNC_INTERVAL_MS: String(TEST_RESYNC_MS),
        REPLICA_ID: replicaId,
        LOG_LEVEL: 'info',
        ...env,
      },
    });
    await process.start();
    return { process, url, replicaId };
  }

  /** Who holds `/lcm/resource-scheduler/leader` now. */
  async leader(): Promise<LeaderValue | null> {
    const raw = await this.etcdClient.get(etcdKeys.leader('resource-scheduler')).string();
    return raw === null ? null : decodeEtcdValue('leader', raw);
  }

  async stats(scheduler: SchedulerProcess): Promise<Record<string, unknown>> {
    const answer = await fetch(`${scheduler.url}/api/admin/stats`, {
      headers: { [INTERNAL_API_KEY_HEADER]: this.cpa.apiKey },
    });
    return (await answer.json()) as Record<string, unknown>;
  }
}
