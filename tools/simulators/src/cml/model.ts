import { createHmac, randomUUID } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Scheduler } from '../kit/scheduler';
import { nodeDefinitionProfile } from './node-definitions';

export type LabState = 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED';
export type NodeState = 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED' | 'QUEUED' | 'BOOTED' | 'DISCONNECTED';
export type TelemetryCategory =
  | 'start_lab' | 'stop_lab' | 'queue_node' | 'stop_node' | 'start_node' | 'boot_node' | 'wipe_node'
  | 'import_lab' | 'export_lab' | 'user_activity' | 'license_info' | 'running_nodes' | 'system_stats';

/** CML answers errors as `{ code, description }`; model operations throw this and routes serialise it. */
export class CmlError extends Error {
  constructor(readonly status: number, description: string) {
    super(description);
  }
}

export interface CmlLatencies {
  /** Time `POST /import` takes before it answers (the real import is synchronous). */
  importMs: number;
  /** QUEUED -> STARTED (waiting for a compute). */
  queueMs: number;
  /** STARTED -> BOOTED. */
  bootMs: number;
  /** Running -> STOPPED after `PUT /stop`. */
  stopMs: number;
  /** STOPPED -> DEFINED_ON_CORE after `PUT /wipe`. */
  wipeMs: number;
  /** IN_PROGRESS -> COMPLETED/FAILED after `POST /licensing/registration`. */
  licenseRegistrationMs: number;
}

export const ZERO_LATENCIES: CmlLatencies = { importMs: 0, queueMs: 0, bootMs: 0, stopMs: 0, wipeMs: 0, licenseRegistrationMs: 0 };
/** "Realistic" demo profile from the issue: import 90 s, boot 60 s. */
export const REALISTIC_LATENCIES: CmlLatencies = { importMs: 90_000, queueMs: 5_000, bootMs: 60_000, stopMs: 10_000, wipeMs: 5_000, licenseRegistrationMs: 15_000 };

export interface WorkerOptions {
  key: string;
  username?: string;
  password?: string;
  hostname?: string;
  version?: string;
  cpus?: number;
  memoryMb?: number;
  diskGb?: number;
  /** Start is refused (400) when running nodes would exceed this many. */
  maxRunningNodes?: number;
  tokenLifetimeMs?: number;
  /** `system_information.ready` stays false this long after registration (worker still booting). */
  readyAfterMs?: number;
  /** Registered and in compliance from the start (default) or NOT_REGISTERED / EVAL. */
  licensed?: boolean;
  /** Registration tokens that make `POST /licensing/registration` end in FAILED. */
  failingLicenseTokens?: string[];
  productLicense?: 'CML_Enterprise' | 'CML_Personal' | 'CML_Personal40' | 'CML_Education' | 'CML_Evaluation';
  latencies?: Partial<CmlLatencies>;
}

export interface ConfigFile {
  name: string;
  content: string | null;
}

export interface SimInterface {
  id: string;
  fileId: string;
  label: string;
  type: 'physical' | 'loopback';
  slot: number | null;
  macAddress: string | null;
}

export interface SimNode {
  id: string;
  fileId: string;
  labId: string;
  label: string;
  nodeDefinition: string;
  imageDefinition: string | null;
  x: number;
  y: number;
  cpus: number | null;
  ram: number | null;
  cpuLimit: number | null;
  dataVolume: number | null;
  bootDiskSize: number | null;
  hideLinks: boolean;
  parameters: Record<string, unknown>;
  tags: string[];
  configuration: ConfigFile[];
  interfaces: SimInterface[];
  state: NodeState;
  computeId: string | null;
  consoleKey: string | null;
  vncKey: string | null;
  consoleLog: string[];
  cancelPending: (() => void) | null;
}

export interface SimLink {
  id: string;
  fileId: string;
  label: string;
  nodeA: string;
  nodeB: string;
  interfaceA: string;
  interfaceB: string;
  conditioning: Record<string, unknown>;
}

export interface LabEvent {
  lab_id: string;
  event: 'ADD' | 'REMOVE' | 'CHANGE' | 'STATE_CHANGED';
  element_type: 'LAB' | 'NODE' | 'LINK' | 'INTERFACE';
  element_id: string;
  data: Record<string, unknown>;
  previous: Record<string, unknown>;
  timestamp: string;
}

export interface SimLab {
  id: string;
  title: string;
  description: string;
  notes: string;
  version: string;
  created: string;
  modified: string;
  nodes: SimNode[];
  links: SimLink[];
  annotations: Array<Record<string, unknown>>;
  smartAnnotations: Array<Record<string, unknown>>;
  events: LabEvent[];
  /** Stop/wipe in progress; lab-level so a second stop does not schedule twice. */
  pendingAction: 'stop' | 'wipe' | null;
}

export interface TelemetryEvent {
  category: TelemetryCategory;
  timestamp: string;
  data: Record<string, unknown>;
}

export type LicenseRegistration = 'COMPLETED' | 'NOT_REGISTERED' | 'IN_PROGRESS' | 'FAILED';

/** `running` answers normally; `booting` answers 502 HTML like nginx before CML is up; `offline` drops connections. */
export type WorkerPhase = 'running' | 'booting' | 'offline';

const RUNNING_STATES: ReadonlySet<NodeState> = new Set(['QUEUED', 'STARTED', 'BOOTED']);
const ON_COMPUTE_STATES: ReadonlySet<NodeState> = new Set(['STARTED', 'BOOTED']);
/** System-generated telemetry uses this user id; LCM's idle detection ignores it (LCM-SPEC §7.2). */
export const SYSTEM_USER_ID = '00000000-0000-4000-8000-000000000000';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function deriveLabState(nodes: readonly SimNode[]): LabState {
  if (nodes.some((n) => RUNNING_STATES.has(n.state) || n.state === 'DISCONNECTED')) return 'STARTED';
  if (nodes.some((n) => n.state === 'STOPPED')) return 'STOPPED';
  return 'DEFINED_ON_CORE';
}

/** One simulated CML controller (with a single all-in-one compute), addressed by its key. */
export class CmlWorker {
  readonly key: string;
  readonly username: string;
  readonly password: string;
  readonly userId = randomUUID();
  readonly computeId = randomUUID();
  readonly hostname: string;
  readonly version: string;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  readonly maxRunningNodes: number;
  tokenLifetimeMs: number;
  latencies: CmlLatencies;
  phase: WorkerPhase = 'running';
  readyOverride: boolean | null = null;
  readonly registeredAt: number;
  readonly readyAfterMs: number;
  maintenanceMode = false;
  readonly labs = new Map<string, SimLab>();
  readonly telemetry: TelemetryEvent[] = [];
  readonly tokens = new Map<string, { expiresAt: number }>();
  license: {
    registration: LicenseRegistration;
    authorization: 'IN_COMPLIANCE' | 'EVAL' | 'OUT_OF_COMPLIANCE';
    product: string;
    registeredAt: string | null;
    smartAccount: string | null;
  };
  private readonly failingLicenseTokens: Set<string>;

  constructor(options: WorkerOptions, private readonly scheduler: Scheduler, private readonly secret: string) {
    this.key = options.key;
    this.username = options.username ?? 'admin';
    this.password = options.password ?? 'admin';
    this.hostname = options.hostname ?? `cml-${options.key.replace(/[^a-zA-Z\d.-]/g, '-').slice(0, 56)}`;
    this.version = options.version ?? '2.9.0+build.3';
    this.cpus = options.cpus ?? 64;
    this.memoryMb = options.memoryMb ?? 256 * 1024;
    this.diskGb = options.diskGb ?? 1024;
    this.maxRunningNodes = options.maxRunningNodes ?? 500;
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? 8 * 3600_000;
    this.latencies = { ...ZERO_LATENCIES, ...options.latencies };
    this.registeredAt = scheduler.now();
    this.readyAfterMs = options.readyAfterMs ?? 0;
    this.failingLicenseTokens = new Set(options.failingLicenseTokens ?? ['fail', 'invalid-token']);
    const licensed = options.licensed ?? true;
    this.license = {
      registration: licensed ? 'COMPLETED' : 'NOT_REGISTERED',
      authorization: licensed ? 'IN_COMPLIANCE' : 'EVAL',
      product: options.productLicense ?? 'CML_Enterprise',
      registeredAt: licensed ? new Date(this.registeredAt).toISOString() : null,
      smartAccount: licensed ? 'LCM Simulated Account' : null,
    };
  }

  private nowIso(): string {
    return new Date(this.scheduler.now()).toISOString();
  }

  get ready(): boolean {
    if (this.readyOverride !== null) return this.readyOverride;
    return this.scheduler.now() - this.registeredAt >= this.readyAfterMs;
  }

  // ---- auth -------------------------------------------------------------------------------

  authenticate(username: unknown, password: unknown): string {
    if (username !== this.username || password !== this.password) throw new CmlError(403, 'Authentication failed!');
    const iat = Math.floor(this.scheduler.now() / 1000);
    const expiresAt = this.scheduler.now() + this.tokenLifetimeMs;
    const header = b64url({ alg: 'HS256', typ: 'JWT' });
    const payload = b64url({ iss: 'virl2', sub: this.userId, username, iat, exp: Math.floor(expiresAt / 1000), jti: randomUUID() });
    const signature = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    const token = `${header}.${payload}.${signature}`;
    this.tokens.set(token, { expiresAt });
    return token;
  }

  checkToken(authorization: string | undefined): void {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new CmlError(401, 'No authorization token provided.');
    const session = this.tokens.get(match[1]!);
    if (!session) throw new CmlError(401, 'Authorization token is invalid.');
    if (session.expiresAt <= this.scheduler.now()) {
      this.tokens.delete(match[1]!);
      throw new CmlError(401, 'Authorization token has expired.');
    }
  }

  logout(authorization: string | undefined, clearAll: boolean): boolean {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (clearAll) this.tokens.clear();
    else if (token) this.tokens.delete(token);
    return true;
  }

  expireTokens(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  // ---- telemetry --------------------------------------------------------------------------

  recordTelemetry(category: TelemetryCategory, data: Record<string, unknown>, timestamp?: string): void {
    this.telemetry.push({ category, timestamp: timestamp ?? this.nowIso(), data });
  }

  private labEvent(lab: SimLab, event: LabEvent['event'], type: LabEvent['element_type'], id: string, data: Record<string, unknown>, previous: Record<string, unknown> = {}): void {
    lab.events.push({ lab_id: lab.id, event, element_type: type, element_id: id, data, previous, timestamp: this.nowIso() });
  }

  // ---- labs -------------------------------------------------------------------------------

  getLab(labId: string): SimLab {
    const lab = this.labs.get(labId);
    if (!lab) throw new CmlError(404, `Lab not found: ${labId}`);
    return lab;
  }

  /** Node lookups answer 400 for an unknown node: that is what the OAS lists for `GET /labs/{id}/nodes/{nid}`. */
  getNode(lab: SimLab, nodeId: string, missingStatus = 404): SimNode {
    const node = lab.nodes.find((n) => n.id === nodeId);
    if (!node) throw new CmlError(missingStatus, `Node not found: ${nodeId}`);
    return node;
  }

  importTopology(text: string, titleOverride?: string): { lab: SimLab; warnings: string[] } {
    const lab = parseTopology(text, titleOverride, this.nowIso());
    this.labs.set(lab.id, lab);
    this.labEvent(lab, 'ADD', 'LAB', lab.id, { title: lab.title });
    this.recordTelemetry('import_lab', { lab_id: lab.id, user_id: this.userId, node_count: lab.nodes.length, link_count: lab.links.length });
    const warnings = lab.nodes.filter((n) => n.imageDefinition === null).map((n) => `Node ${n.label}: no image definition given, using the default`);
    return { lab, warnings };
  }

  labState(lab: SimLab): LabState {
    return deriveLabState(lab.nodes);
  }

  converged(lab: SimLab): boolean {
    return lab.nodes.length > 0 && lab.nodes.every((n) => n.state === 'BOOTED');
  }

  effectiveResources(node: SimNode): { cpus: number; ramMb: number; diskGb: number } {
    const profile = nodeDefinitionProfile(node.nodeDefinition);
    return { cpus: node.cpus ?? profile.cpus, ramMb: node.ram ?? profile.ramMb, diskGb: (node.bootDiskSize ?? profile.bootDiskGb) + (node.dataVolume ?? 0) };
  }

  private allNodes(): SimNode[] {
    return [...this.labs.values()].flatMap((l) => l.nodes);
  }

  private setNodeState(lab: SimLab, node: SimNode, state: NodeState): void {
    const previous = node.state;
    if (previous === state) return;
    node.state = state;
    lab.modified = this.nowIso();
    this.labEvent(lab, 'STATE_CHANGED', 'NODE', node.id, { state }, { state: previous });
  }

  startNode(lab: SimLab, node: SimNode): void {
    if (RUNNING_STATES.has(node.state)) return;
    node.cancelPending?.();
    node.computeId = this.computeId;
    this.setNodeState(lab, node, 'QUEUED');
    this.recordTelemetry('queue_node', { lab_id: lab.id, node_id: node.id, node_definition: node.nodeDefinition, user_id: this.userId });
    node.cancelPending = this.scheduler.schedule(this.latencies.queueMs, () => {
      node.consoleKey = randomUUID();
      if (nodeDefinitionProfile(node.nodeDefinition).vnc || node.tags.some((t) => t.startsWith('vnc:'))) node.vncKey = randomUUID();
      this.setNodeState(lab, node, 'STARTED');
      node.consoleLog.push(`[${this.nowIso()}] ${node.label}: starting ${node.nodeDefinition}`);
      this.recordTelemetry('start_node', { lab_id: lab.id, node_id: node.id, node_definition: node.nodeDefinition, user_id: this.userId });
      node.cancelPending = this.scheduler.schedule(this.latencies.bootMs, () => {
        node.cancelPending = null;
        this.setNodeState(lab, node, 'BOOTED');
        node.consoleLog.push(`[${this.nowIso()}] ${node.label}: boot complete`, `${node.label}>`);
        this.recordTelemetry('boot_node', { lab_id: lab.id, node_id: node.id, node_definition: node.nodeDefinition });
      });
    });
  }

  startLab(lab: SimLab): void {
    const toStart = lab.nodes.filter((n) => !RUNNING_STATES.has(n.state));
    const running = this.allNodes().filter((n) => RUNNING_STATES.has(n.state));
    const usedRam = running.reduce((sum, n) => sum + this.effectiveResources(n).ramMb, 0);
    const neededRam = toStart.reduce((sum, n) => sum + this.effectiveResources(n).ramMb, 0);
    if (running.length + toStart.length > this.maxRunningNodes) {
      throw new CmlError(400, `Cannot start lab: node limit of ${this.maxRunningNodes} running nodes reached`);
    }
    if (usedRam + neededRam > this.memoryMb) {
      throw new CmlError(400, `Cannot start lab: not enough memory (${neededRam} MB needed, ${this.memoryMb - usedRam} MB free)`);
    }
    if (this.license.authorization === 'OUT_OF_COMPLIANCE') throw new CmlError(400, 'Cannot start lab: system is not licensed');
    lab.pendingAction = null;
    if (toStart.length > 0) this.recordTelemetry('start_lab', { lab_id: lab.id, user_id: this.userId, node_count: lab.nodes.length });
    for (const node of toStart) this.startNode(lab, node);
  }

  stopNode(lab: SimLab, node: SimNode): void {
    if (!RUNNING_STATES.has(node.state) && node.state !== 'DISCONNECTED') return;
    node.cancelPending?.();
    node.cancelPending = this.scheduler.schedule(this.latencies.stopMs, () => {
      node.cancelPending = null;
      node.consoleKey = null;
      node.vncKey = null;
      this.setNodeState(lab, node, 'STOPPED');
      this.recordTelemetry('stop_node', { lab_id: lab.id, node_id: node.id, user_id: this.userId });
    });
  }

  stopLab(lab: SimLab): void {
    if (lab.pendingAction === 'stop') return;
    const active = lab.nodes.filter((n) => RUNNING_STATES.has(n.state) || n.state === 'DISCONNECTED');
    if (active.length === 0) return;
    lab.pendingAction = 'stop';
    this.recordTelemetry('stop_lab', { lab_id: lab.id, user_id: this.userId });
    for (const node of active) this.stopNode(lab, node);
    this.scheduler.schedule(this.latencies.stopMs, () => {
      if (lab.pendingAction === 'stop') lab.pendingAction = null;
    });
  }

  wipeNode(lab: SimLab, node: SimNode): void {
    if (RUNNING_STATES.has(node.state)) throw new CmlError(400, `Node ${node.label} must be stopped before it can be wiped`);
    if (node.state === 'DEFINED_ON_CORE') return;
    node.cancelPending = this.scheduler.schedule(this.latencies.wipeMs, () => {
      node.cancelPending = null;
      node.computeId = null;
      node.consoleLog = [];
      this.setNodeState(lab, node, 'DEFINED_ON_CORE');
      this.recordTelemetry('wipe_node', { lab_id: lab.id, node_id: node.id, user_id: this.userId });
    });
  }

  wipeLab(lab: SimLab): void {
    // Nodes decide, as on CML: once every node has stopped the lab can be wiped, bookkeeping aside.
    if (lab.nodes.some((n) => RUNNING_STATES.has(n.state) || n.state === 'DISCONNECTED')) {
      throw new CmlError(400, 'Lab must be stopped before it can be wiped');
    }
    if (lab.pendingAction === 'wipe') return;
    lab.pendingAction = 'wipe';
    for (const node of lab.nodes) this.wipeNode(lab, node);
    this.scheduler.schedule(this.latencies.wipeMs, () => {
      if (lab.pendingAction === 'wipe') lab.pendingAction = null;
    });
  }

  deleteLab(lab: SimLab): void {
    if (this.labState(lab) !== 'DEFINED_ON_CORE' || lab.nodes.some((node) => node.cancelPending)) {
      throw new CmlError(400, 'Lab must be stopped and wiped before it can be deleted');
    }
    for (const node of lab.nodes) node.cancelPending?.();
    this.labs.delete(lab.id);
  }

  /** Simulates a compute losing contact with a node (`DISCONNECTED`). */
  disconnectNode(lab: SimLab, node: SimNode): void {
    node.cancelPending?.();
    node.cancelPending = null;
    this.setNodeState(lab, node, 'DISCONNECTED');
  }

  updateNode(lab: SimLab, node: SimNode, patch: Record<string, unknown>): void {
    const hasDiskState = node.state !== 'DEFINED_ON_CORE';
    if (hasDiskState && ('configuration' in patch || 'image_definition' in patch || 'node_definition' in patch)) {
      throw new CmlError(400, `Node ${node.label} has disk state; wipe it before changing its configuration`);
    }
    if (patch['tags'] !== undefined) {
      if (!Array.isArray(patch['tags']) || patch['tags'].some((t) => typeof t !== 'string' || t.length > 64)) {
        throw new CmlError(400, 'tags must be an array of strings of at most 64 characters');
      }
      node.tags = [...(patch['tags'] as string[])];
    }
    if (typeof patch['label'] === 'string') node.label = patch['label'];
    if (patch['configuration'] !== undefined) node.configuration = normaliseConfiguration(patch['configuration']);
    for (const [field, key] of [['ram', 'ram'], ['cpus', 'cpus'], ['cpu_limit', 'cpuLimit'], ['data_volume', 'dataVolume'], ['boot_disk_size', 'bootDiskSize']] as const) {
      if (patch[field] !== undefined) node[key] = patch[field] as number | null;
    }
    if (typeof patch['x'] === 'number') node.x = patch['x'];
    if (typeof patch['y'] === 'number') node.y = patch['y'];
    lab.modified = this.nowIso();
    this.labEvent(lab, 'CHANGE', 'NODE', node.id, patch);
  }

  /**
   * Replaces the main config with a deterministic "running-config": what CML does when it logs in to a
   * booted node and runs the definition's extract command (CML-API.md §3.6).
   */
  extractConfiguration(lab: SimLab, node: SimNode): void {
    const profile = nodeDefinitionProfile(node.nodeDefinition);
    if (!profile.configExtraction) throw new CmlError(400, `Node definition ${node.nodeDefinition} does not support configuration extraction`);
    if (node.state !== 'BOOTED') throw new CmlError(400, `Node ${node.label} is not booted (state ${node.state})`);
    const main = node.configuration[0];
    const extracted = runningConfig(node, profile.kind, main?.content ?? '', this.nowIso());
    if (main) main.content = extracted;
    else node.configuration = [{ name: 'ios_config.txt', content: extracted }];
    lab.modified = this.nowIso();
    this.labEvent(lab, 'CHANGE', 'NODE', node.id, { configuration: 'extracted' });
  }

  // ---- licensing --------------------------------------------------------------------------

  registerLicense(token: unknown, reregister: boolean): void {
    if (typeof token !== 'string' || token.trim().length === 0) throw new CmlError(400, 'A registration token is required');
    if (this.license.registration === 'IN_PROGRESS') throw new CmlError(409, 'Registration already in progress');
    if (this.license.registration === 'COMPLETED' && !reregister) throw new CmlError(409, 'Already registered; pass reregister=true');
    this.license.registration = 'IN_PROGRESS';
    const fails = this.failingLicenseTokens.has(token);
    this.scheduler.schedule(this.latencies.licenseRegistrationMs, () => {
      this.license.registration = fails ? 'FAILED' : 'COMPLETED';
      if (!fails) {
        this.license.authorization = 'IN_COMPLIANCE';
        this.license.registeredAt = this.nowIso();
        this.license.smartAccount = 'LCM Simulated Account';
      }
      this.recordTelemetry('license_info', { registration: this.license.registration, user_id: SYSTEM_USER_ID });
    });
  }

  deregisterLicense(): void {
    if (this.license.registration !== 'COMPLETED') throw new CmlError(400, 'Not registered');
    this.license.registration = 'NOT_REGISTERED';
    this.license.authorization = 'EVAL';
    this.license.registeredAt = null;
    this.license.smartAccount = null;
  }

  // ---- metrics ----------------------------------------------------------------------------

  stats(): {
    cpuPercent: number;
    allocatedCpus: number;
    allocatedMemoryKiB: number;
    memoryUsed: number;
    memoryTotal: number;
    diskUsed: number;
    diskTotal: number;
    totalNodes: number;
    runningNodes: number;
  } {
    const nodes = this.allNodes();
    const onCompute = nodes.filter((n) => ON_COMPUTE_STATES.has(n.state));
    const withDisk = nodes.filter((n) => n.state !== 'DEFINED_ON_CORE' && n.state !== 'QUEUED');
    let load = 0;
    let allocatedCpus = 0;
    let allocatedRamMb = 0;
    for (const n of onCompute) {
      const r = this.effectiveResources(n);
      allocatedCpus += r.cpus;
      allocatedRamMb += r.ramMb;
      // Booting VMs burn CPU; booted ones idle at a fraction of their vCPUs.
      load += r.cpus * (n.state === 'STARTED' ? 0.8 : 0.25);
    }
    const GiB = 1024 ** 3;
    const memoryTotal = this.memoryMb * 1024 * 1024;
    const diskTotal = this.diskGb * GiB;
    return {
      cpuPercent: Math.min(100, Math.round((2 + (load / this.cpus) * 100) * 10) / 10),
      allocatedCpus,
      allocatedMemoryKiB: allocatedRamMb * 1024,
      memoryUsed: Math.min(memoryTotal, 4 * GiB + allocatedRamMb * 1024 * 1024),
      memoryTotal,
      diskUsed: Math.min(diskTotal, 20 * GiB + withDisk.reduce((s, n) => s + this.effectiveResources(n).diskGb * GiB, 0)),
      diskTotal,
      totalNodes: withDisk.length,
      runningNodes: onCompute.length,
    };
  }
}

// ---- topology parsing / export ----------------------------------------------------------------

function normaliseConfiguration(value: unknown): ConfigFile[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [{ name: 'Main', content: value }];
  const files = Array.isArray(value) ? value : [value];
  return files.map((f, i) => {
    const file = (f ?? {}) as Record<string, unknown>;
    if (typeof file['name'] !== 'string' || file['name'].length === 0) throw new CmlError(400, `configuration[${i}].name is required`);
    return { name: file['name'], content: typeof file['content'] === 'string' ? file['content'] : null };
  });
}

const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function parseTopology(text: string, titleOverride: string | undefined, nowIso: string): SimLab {
  let doc: unknown;
  try {
    // YAML is a superset of JSON, so one parser accepts both bodies whatever the Content-Type says.
    doc = parseYaml(text);
  } catch (error) {
    throw new CmlError(400, `Import failed: topology is neither valid YAML nor JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new CmlError(400, 'Import failed: topology must be an object');
  const topo = doc as Record<string, unknown>;
  const labMeta = (topo['lab'] ?? {}) as Record<string, unknown>;
  if (typeof labMeta !== 'object' || typeof labMeta['version'] !== 'string') throw new CmlError(400, 'Import failed: lab.version is required');
  const title = titleOverride ?? (typeof labMeta['title'] === 'string' ? labMeta['title'] : `Lab at ${nowIso}`);
  if (title.length < 1 || title.length > 64) throw new CmlError(400, 'Import failed: title must be 1-64 characters');
  const labId = randomUUID();
  const rawNodes = topo['nodes'] ?? [];
  if (!Array.isArray(rawNodes)) throw new CmlError(400, 'Import failed: nodes must be a list');
  const nodeByFileId = new Map<string, SimNode>();
  const nodes = rawNodes.map((raw, index): SimNode => {
    const n = (raw ?? {}) as Record<string, unknown>;
    for (const field of ['id', 'label', 'node_definition'] as const) {
      if (typeof n[field] !== 'string' || (n[field] as string).length === 0) throw new CmlError(400, `Import failed: nodes[${index}].${field} is required`);
    }
    if (nodeByFileId.has(n['id'] as string)) throw new CmlError(400, `Import failed: duplicate node id ${String(n['id'])}`);
    const interfaces = (Array.isArray(n['interfaces']) ? n['interfaces'] : []).map((rawIf, j): SimInterface => {
      const i = (rawIf ?? {}) as Record<string, unknown>;
      if (typeof i['id'] !== 'string') throw new CmlError(400, `Import failed: nodes[${index}].interfaces[${j}].id is required`);
      return {
        id: randomUUID(),
        fileId: i['id'],
        label: typeof i['label'] === 'string' ? i['label'] : `eth${j}`,
        type: i['type'] === 'loopback' ? 'loopback' : 'physical',
        slot: numOrNull(i['slot']),
        macAddress: typeof i['mac_address'] === 'string' ? i['mac_address'] : null,
      };
    });
    const node: SimNode = {
      id: randomUUID(),
      fileId: n['id'] as string,
      labId,
      label: n['label'] as string,
      nodeDefinition: n['node_definition'] as string,
      imageDefinition: typeof n['image_definition'] === 'string' ? n['image_definition'] : null,
      x: typeof n['x'] === 'number' ? Math.round(n['x']) : index * 100,
      y: typeof n['y'] === 'number' ? Math.round(n['y']) : 0,
      cpus: numOrNull(n['cpus']),
      ram: numOrNull(n['ram']),
      cpuLimit: numOrNull(n['cpu_limit']),
      dataVolume: numOrNull(n['data_volume']),
      bootDiskSize: numOrNull(n['boot_disk_size']),
      hideLinks: n['hide_links'] === true,
      parameters: (n['parameters'] && typeof n['parameters'] === 'object' ? n['parameters'] : {}) as Record<string, unknown>,
      tags: Array.isArray(n['tags']) ? n['tags'].map(String) : [],
      configuration: normaliseConfiguration(n['configuration']),
      interfaces,
      state: 'DEFINED_ON_CORE',
      computeId: null,
      consoleKey: null,
      vncKey: null,
      consoleLog: [],
      cancelPending: null,
    };
    nodeByFileId.set(node.fileId, node);
    return node;
  });
  const rawLinks = Array.isArray(topo['links']) ? topo['links'] : [];
  const links = rawLinks.map((raw, index): SimLink => {
    const l = (raw ?? {}) as Record<string, unknown>;
    const a = nodeByFileId.get(String(l['n1']));
    const b = nodeByFileId.get(String(l['n2']));
    const ia = a?.interfaces.find((i) => i.fileId === String(l['i1']));
    const ib = b?.interfaces.find((i) => i.fileId === String(l['i2']));
    if (!a || !b || !ia || !ib) throw new CmlError(400, `Import failed: links[${index}] refers to an unknown node or interface`);
    return {
      id: randomUUID(),
      fileId: typeof l['id'] === 'string' ? l['id'] : `l${index}`,
      label: typeof l['label'] === 'string' ? l['label'] : `${a.label}-${ia.label}<->${b.label}-${ib.label}`,
      nodeA: a.id,
      nodeB: b.id,
      interfaceA: ia.id,
      interfaceB: ib.id,
      conditioning: (l['conditioning'] && typeof l['conditioning'] === 'object' ? l['conditioning'] : {}) as Record<string, unknown>,
    };
  });
  const withIds = (list: unknown) => (Array.isArray(list) ? list : []).map((a) => ({ ...(a as Record<string, unknown>), id: randomUUID() }));
  return {
    id: labId,
    title,
    description: typeof labMeta['description'] === 'string' ? labMeta['description'] : '',
    notes: typeof labMeta['notes'] === 'string' ? labMeta['notes'] : '',
    version: labMeta['version'] as string,
    created: nowIso,
    modified: nowIso,
    nodes,
    links,
    annotations: withIds(topo['annotations']),
    smartAnnotations: withIds(topo['smart_annotations']),
    events: [],
    pendingAction: null,
  };
}

/** `GET /labs/{id}/download`: the same schema as the import file, ids re-numbered n0/i0/l0, current configs embedded. */
export function exportTopologyYaml(lab: SimLab): string {
  const nodeIds = new Map(lab.nodes.map((n, i) => [n.id, `n${i}`]));
  const ifaceIds = new Map<string, string>();
  const nodes = lab.nodes.map((n) => ({
    boot_disk_size: n.bootDiskSize,
    configuration: n.configuration.map((c) => ({ name: c.name, content: c.content ?? '' })),
    cpu_limit: n.cpuLimit,
    cpus: n.cpus,
    data_volume: n.dataVolume,
    hide_links: n.hideLinks,
    id: nodeIds.get(n.id),
    image_definition: n.imageDefinition,
    label: n.label,
    node_definition: n.nodeDefinition,
    parameters: n.parameters,
    ram: n.ram,
    tags: n.tags,
    x: n.x,
    y: n.y,
    interfaces: n.interfaces.map((i, j) => {
      ifaceIds.set(i.id, `i${j}`);
      return { id: `i${j}`, label: i.label, mac_address: i.macAddress, type: i.type, ...(i.slot !== null ? { slot: i.slot } : {}) };
    }),
  }));
  const strip = (list: Array<Record<string, unknown>>) => list.map(({ id: _id, ...rest }) => rest);
  return stringifyYaml({
    annotations: strip(lab.annotations),
    smart_annotations: strip(lab.smartAnnotations),
    nodes,
    links: lab.links.map((l, i) => ({
      id: `l${i}`,
      n1: nodeIds.get(l.nodeA),
      n2: nodeIds.get(l.nodeB),
      i1: ifaceIds.get(l.interfaceA),
      i2: ifaceIds.get(l.interfaceB),
      conditioning: l.conditioning,
      label: l.label,
    })),
    lab: { description: lab.description, notes: lab.notes, title: lab.title, version: lab.version },
  });
}

function runningConfig(node: SimNode, kind: string, dayZero: string, nowIso: string): string {
  const marker = `! Configuration extracted by CML simulator at ${nowIso}`;
  if (dayZero.trim().length > 0) {
    // Re-extraction replaces the previous marker so repeated collection does not grow the config.
    const base = dayZero.split('\n').filter((line) => !line.startsWith('! Configuration extracted by CML simulator')).join('\n');
    return `${marker}\n${base}`;
  }
  const interfaces = node.interfaces
    .map((i, idx) => (kind === 'nxos' ? `interface ${i.label}\n  no shutdown` : `interface ${i.label}\n no ip address\n ${idx === 0 ? 'no shutdown' : 'shutdown'}`))
    .join('\n!\n');
  return [marker, 'version 17.9', `hostname ${node.label}`, '!', interfaces, '!', 'line con 0', ' logging synchronous', '!', 'end'].join('\n');
}
