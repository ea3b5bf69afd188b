import {
  BearerTokenCache,
  createAxiosInstance,
  defaultIntegrationLogger,
  encodePathSegment,
  HttpCaller,
  type IntegrationErrorKind,
  type IntegrationLogger,
  isNotFound,
  type RetryPolicy,
} from '@lcm/integrations/http';
import { type CmlImportOptions, type CmlPort, type CmlSystemStats } from './cml.port';
import {
  type CmlLab,
  cmlConvergedSchema,
  cmlFreeFormSchema,
  cmlImportResultSchema,
  cmlLabIdsSchema,
  cmlLabSchema,
  cmlLabStateSchema,
  cmlLicensingSchema,
  cmlNodeSchema,
  cmlNodesSchema,
  cmlSystemHealthSchema,
  cmlSystemInformationSchema,
  cmlSystemStatsSchema,
  type CmlSystemStatsWire,
  cmlTelemetryEventsSchema,
  cmlTokenSchema,
} from './cml.schemas';

export interface CmlWorkerConnection {
  /** Controller API root, e.g. `https://54.1.2.3/api/v0`. */
  baseUrl: string;
  username: string;
  password: string;
  /** Workers ship self-signed certificates; false skips verification for this worker only. */
  verifyTls: boolean;
  /** PEM CA to pin instead of skipping verification. */
  caCertificate?: string;
}

export interface CmlHttpAdapterOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Lab lifecycle calls and imports can be slow on a loaded controller; default 60 s. */
  labOperationTimeoutMs?: number;
  /** Parallel lab reads in `listLabs`; default 5. */
  labReadConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  logger?: IntegrationLogger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

// CML reports wrong-state rejections (start without capacity, wipe of a started lab, delete of an
// unwiped lab, extraction from a node that is not booted) as 400: they are conflicts with the
// lab's state, not malformed requests.
const LIFECYCLE_STATUS_OVERRIDES: Partial<Record<number, IntegrationErrorKind>> = { 400: 'conflict' };
// The OAS documents 400, not 404, for an unknown node id on the node read.
const NODE_READ_STATUS_OVERRIDES: Partial<Record<number, IntegrationErrorKind>> = { 400: 'not_found' };

export class CmlHttpAdapter implements CmlPort {
  private readonly caller: HttpCaller;
  private readonly labOperationTimeoutMs: number;
  private readonly labReadConcurrency: number;

  constructor(connection: CmlWorkerConnection, options: CmlHttpAdapterOptions = {}) {
    const http = createAxiosInstance({
      baseUrl: connection.baseUrl,
      timeoutMs: options.timeoutMs ?? 30_000,
      verifyTls: connection.verifyTls,
      ...(connection.caCertificate ? { caCertificate: connection.caCertificate } : {}),
    });
    const shared = {
      system: 'cml' as const,
      http,
      logger: options.logger ?? defaultIntegrationLogger(),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    };
    const loginCaller = new HttpCaller(shared);
    const bearer = new BearerTokenCache(async () => ({
      value: await loginCaller.json({
        operation: 'authenticate',
        method: 'POST',
        path: '/authenticate',
        body: { username: connection.username, password: connection.password },
        // Logging in has no side effect worth protecting, so a throttled login may be repeated.
        idempotent: true,
        anonymous: true,
        schema: cmlTokenSchema,
      }),
    }));
    this.caller = new HttpCaller({ ...shared, bearer });
    this.labOperationTimeoutMs = options.labOperationTimeoutMs ?? 60_000;
    this.labReadConcurrency = options.labReadConcurrency ?? 5;
  }

  getSystemInformation() {
    return this.caller.json({
      operation: 'getSystemInformation',
      method: 'GET',
      path: '/system_information',
      idempotent: true,
      anonymous: true,
      schema: cmlSystemInformationSchema,
    });
  }

  getSystemHealth() {
    return this.caller.json({ operation: 'getSystemHealth', method: 'GET', path: '/system_health', idempotent: true, schema: cmlSystemHealthSchema });
  }

  registerLicense(token: string, reregister: boolean): Promise<void> {
    return this.caller.noContent({
      operation: 'registerLicense',
      method: 'POST',
      path: '/licensing/registration',
      body: { token, reregister },
      // Registering twice with the same token is what `reregister` is for; a lost answer may be repeated.
      idempotent: true,
      timeoutMs: this.labOperationTimeoutMs,
    });
  }

  deregisterLicense(): Promise<void> {
    return this.caller.noContent({
      operation: 'deregisterLicense',
      method: 'DELETE',
      path: '/licensing/deregistration',
      idempotent: true,
      // CML-API.md: deregistration can be slow; 400 means it already is deregistered.
      timeoutMs: this.labOperationTimeoutMs,
      statusOverrides: { 400: 'conflict' },
    });
  }

  async getSystemStats(): Promise<CmlSystemStats> {
    const stats = await this.caller.json({
      operation: 'getSystemStats',
      method: 'GET',
      path: '/system_stats',
      idempotent: true,
      schema: cmlSystemStatsSchema,
    });
    return summariseSystemStats(stats);
  }

  getLicensing() {
    return this.caller.json({ operation: 'getLicensing', method: 'GET', path: '/licensing', idempotent: true, schema: cmlLicensingSchema });
  }

  getTelemetryEvents() {
    return this.caller.json({
      operation: 'getTelemetryEvents',
      method: 'GET',
      path: '/telemetry/events',
      idempotent: true,
      schema: cmlTelemetryEventsSchema,
    });
  }

  listLabIds() {
    return this.caller.json({
      operation: 'listLabIds',
      method: 'GET',
      path: '/labs',
      query: { show_all: true },
      idempotent: true,
      schema: cmlLabIdsSchema,
    });
  }

  async listLabs(): Promise<CmlLab[]> {
    const ids = await this.listLabIds();
    const labs = await mapWithConcurrency(ids, this.labReadConcurrency, async (labId) => {
      try {
        return await this.getLab(labId);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
    return labs.filter((lab): lab is CmlLab => lab !== undefined);
  }

  getLab(labId: string) {
    return this.caller.json({ operation: 'getLab', method: 'GET', path: labPath(labId), idempotent: true, schema: cmlLabSchema });
  }

  getLabState(labId: string) {
    return this.caller.json({ operation: 'getLabState', method: 'GET', path: `${labPath(labId)}/state`, idempotent: true, schema: cmlLabStateSchema });
  }

  isLabConverged(labId: string) {
    return this.caller.json({
      operation: 'isLabConverged',
      method: 'GET',
      path: `${labPath(labId)}/check_if_converged`,
      idempotent: true,
      schema: cmlConvergedSchema,
    });
  }

  importLab(topologyYaml: string, options: CmlImportOptions = {}) {
    return this.caller.json({
      operation: 'importLab',
      method: 'POST',
      path: '/import',
      query: { title: options.title },
      body: topologyYaml,
      headers: { 'Content-Type': 'application/x-yaml' },
      idempotent: false,
      timeoutMs: this.labOperationTimeoutMs,
      schema: cmlImportResultSchema,
    });
  }

  startLab(labId: string) {
    return this.labLifecycle('startLab', 'PUT', `${labPath(labId)}/start`);
  }

  stopLab(labId: string) {
    return this.labLifecycle('stopLab', 'PUT', `${labPath(labId)}/stop`);
  }

  wipeLab(labId: string) {
    return this.labLifecycle('wipeLab', 'PUT', `${labPath(labId)}/wipe`);
  }

  deleteLab(labId: string) {
    return this.labLifecycle('deleteLab', 'DELETE', labPath(labId));
  }

  downloadLab(labId: string) {
    // The OAS claims a JSON string, but controllers and every known client exchange raw YAML.
    return this.caller.text({
      operation: 'downloadLab',
      method: 'GET',
      path: `${labPath(labId)}/download`,
      idempotent: true,
      accept: 'application/x-yaml, */*',
    });
  }

  listNodes(labId: string) {
    return this.caller.json({
      operation: 'listNodes',
      method: 'GET',
      path: `${labPath(labId)}/nodes`,
      query: { data: true, operational: true, exclude_configurations: true },
      idempotent: true,
      schema: cmlNodesSchema,
    });
  }

  async extractConfiguration(labId: string, nodeId: string): Promise<void> {
    await this.caller.json({
      operation: 'extractConfiguration',
      method: 'PUT',
      path: `${nodePath(labId, nodeId)}/extract_configuration`,
      // Re-extracting overwrites the stored config with the same running config: safe to repeat.
      idempotent: true,
      timeoutMs: this.labOperationTimeoutMs,
      statusOverrides: LIFECYCLE_STATUS_OVERRIDES,
      schema: cmlFreeFormSchema,
    });
  }

  async getNodeConfiguration(labId: string, nodeId: string) {
    const node = await this.caller.json({
      operation: 'getNodeConfiguration',
      method: 'GET',
      path: nodePath(labId, nodeId),
      query: { exclude_configurations: false },
      idempotent: true,
      statusOverrides: NODE_READ_STATUS_OVERRIDES,
      schema: cmlNodeSchema,
    });
    return node.configuration;
  }

  async setNodeTags(labId: string, nodeId: string, tags: readonly string[]): Promise<void> {
    await this.caller.json({
      operation: 'setNodeTags',
      method: 'PATCH',
      path: nodePath(labId, nodeId),
      body: { tags: [...tags] },
      // The whole list is replaced: repeating the same list changes nothing.
      idempotent: true,
      schema: cmlFreeFormSchema,
    });
  }

  private labLifecycle(operation: 'startLab' | 'stopLab' | 'wipeLab' | 'deleteLab', method: 'PUT' | 'DELETE', path: string) {
    return this.caller.noContent({
      operation,
      method,
      path,
      // Repeating start/stop/wipe/delete converges on the same lab state.
      idempotent: true,
      timeoutMs: this.labOperationTimeoutMs,
      statusOverrides: LIFECYCLE_STATUS_OVERRIDES,
    });
  }
}

const labPath = (labId: string) => `/labs/${encodePathSegment(labId)}`;
const nodePath = (labId: string, nodeId: string) => `${labPath(labId)}/nodes/${encodePathSegment(nodeId)}`;

export function summariseSystemStats(stats: CmlSystemStatsWire): CmlSystemStats {
  const computes = Object.values(stats.computes);
  const sum = (pick: (dominfo: NonNullable<(typeof computes)[number]['stats']['dominfo']>) => number | null | undefined) =>
    computes.reduce((total, compute) => total + (compute.stats.dominfo ? (pick(compute.stats.dominfo) ?? 0) : 0), 0);
  return {
    compute_count: computes.length,
    cpu: { count: stats.all.cpu.count ?? null, percent: stats.all.cpu.percent ?? null },
    memory: stats.all.memory,
    disk: stats.all.disk,
    nodes: {
      total: sum((dominfo) => dominfo.total_nodes),
      running: sum((dominfo) => dominfo.running_nodes),
      total_orphans: sum((dominfo) => dominfo.total_orphans),
      running_orphans: sum((dominfo) => dominfo.running_orphans),
    },
    allocated_cpus: sum((dominfo) => dominfo.allocated_cpus),
    allocated_memory_kib: sum((dominfo) => dominfo.allocated_memory),
  };
}

async function mapWithConcurrency<In, Out>(items: readonly In[], limit: number, work: (item: In) => Promise<Out>): Promise<Out[]> {
  const results = new Array<Out>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as In);
    }
  });
  await Promise.all(runners);
  return results;
}
