import { randomUUID } from 'node:crypto';
import { ConflictError, FakeCallRecorder, InvalidError, NotFoundError } from '@lcm/integrations/http';
import { parse as parseYaml } from 'yaml';
import { type CmlImportOptions, type CmlOperation, type CmlPort, type CmlSystemStats } from './cml.port';
import {
  type CmlImportResult,
  type CmlLab,
  type CmlLabStateValue,
  type CmlLicensing,
  type CmlNode,
  cmlNodeConfigurationSchema,
  type CmlNodeConfigurationFile,
  type CmlSystemHealth,
  type CmlSystemInformation,
  type CmlTelemetryEvent,
} from './cml.schemas';

interface FakeLab {
  lab: CmlLab;
  nodes: CmlNode[];
  topologyYaml: string;
}

export interface CmlFakeOptions {
  /** When false, started nodes stay STARTED/Booting until `completeBoot` is called. Default true. */
  bootImmediately?: boolean;
}

/**
 * In-memory CML controller for unit tests of callers. Follows the CML state rules the adapter
 * maps to typed errors (wipe needs a stopped lab, delete a wiped one, extraction a booted node).
 */
export class CmlFake implements CmlPort {
  readonly recorder = new FakeCallRecorder<CmlOperation>();
  systemInformation: CmlSystemInformation = { version: '2.9.0', ready: true, allow_ssh_pubkey_auth: false, oui: null };
  systemHealth: CmlSystemHealth = {
    valid: true,
    is_licensed: true,
    is_enterprise: false,
    computes: {},
    controller: { core_connected: true, nodes_loaded: true, images_loaded: true, valid: true },
  };
  licensing: CmlLicensing = {
    registration: { status: 'COMPLETED' },
    authorization: { status: 'IN_COMPLIANCE' },
    features: [],
  };
  telemetryEvents: CmlTelemetryEvent[] = [];
  /** Memory and disk totals reported by `getSystemStats`; node counts are derived from the labs. */
  hardware = { cpu_count: 32, memory_total_bytes: 256 * 2 ** 30, disk_total_bytes: 2 * 2 ** 40 };

  private readonly labs = new Map<string, FakeLab>();
  private readonly bootImmediately: boolean;

  constructor(options: CmlFakeOptions = {}) {
    this.bootImmediately = options.bootImmediately ?? true;
  }

  async getSystemInformation() {
    this.recorder.enter('getSystemInformation');
    return structuredClone(this.systemInformation);
  }

  async getSystemHealth() {
    this.recorder.enter('getSystemHealth');
    return structuredClone(this.systemHealth);
  }

  async getSystemStats(): Promise<CmlSystemStats> {
    this.recorder.enter('getSystemStats');
    const nodes = [...this.labs.values()].flatMap((lab) => lab.nodes);
    const running = nodes.filter((node) => node.state === 'STARTED' || node.state === 'BOOTED' || node.state === 'QUEUED');
    const usedMemory = running.reduce((total, node) => total + (node.ram ?? 0) * 2 ** 20, 0);
    return {
      compute_count: 1,
      cpu: { count: this.hardware.cpu_count, percent: running.length > 0 ? 10 : 0 },
      memory: { used: usedMemory, free: this.hardware.memory_total_bytes - usedMemory, total: this.hardware.memory_total_bytes },
      disk: { used: 0, free: this.hardware.disk_total_bytes, total: this.hardware.disk_total_bytes },
      nodes: { total: nodes.length, running: running.length, total_orphans: 0, running_orphans: 0 },
      allocated_cpus: running.reduce((total, node) => total + (node.cpus ?? 0), 0),
      allocated_memory_kib: usedMemory / 1024,
    };
  }

  async getLicensing() {
    this.recorder.enter('getLicensing');
    return structuredClone(this.licensing);
  }

  /** Tokens `registerLicense` refuses (CML answers 400 to a bad token). */
  readonly rejectedLicenseTokens = new Set<string>();

  async registerLicense(token: string, reregister: boolean) {
    this.recorder.enter('registerLicense', token, reregister);
    if (this.rejectedLicenseTokens.has(token)) {
      throw new InvalidError({ system: 'cml', operation: 'registerLicense', status: 400, message: 'invalid token' });
    }
    this.licensing = { ...this.licensing, registration: { status: 'COMPLETED' }, authorization: { status: 'IN_COMPLIANCE' } };
  }

  async deregisterLicense() {
    this.recorder.enter('deregisterLicense');
    if (this.licensing.registration?.status !== 'COMPLETED') {
      throw new ConflictError({ system: 'cml', operation: 'deregisterLicense', status: 400, message: 'already deregistered' });
    }
    this.licensing = { ...this.licensing, registration: { status: 'NOT_REGISTERED' }, authorization: { status: 'EVAL' } };
  }

  async getTelemetryEvents() {
    this.recorder.enter('getTelemetryEvents');
    return structuredClone(this.telemetryEvents);
  }

  async listLabIds() {
    this.recorder.enter('listLabIds');
    return [...this.labs.keys()];
  }

  async listLabs() {
    this.recorder.enter('listLabs');
    return [...this.labs.values()].map((entry) => this.snapshotLab(entry));
  }

  async getLab(labId: string) {
    this.recorder.enter('getLab', labId);
    return this.snapshotLab(this.require('getLab', labId));
  }

  async getLabState(labId: string): Promise<CmlLabStateValue> {
    this.recorder.enter('getLabState', labId);
    return labStateOf(this.require('getLabState', labId).nodes);
  }

  async isLabConverged(labId: string) {
    this.recorder.enter('isLabConverged', labId);
    return this.require('isLabConverged', labId).nodes.every((node) => node.state === 'BOOTED');
  }

  async importLab(topologyYaml: string, options: CmlImportOptions = {}): Promise<CmlImportResult> {
    this.recorder.enter('importLab', topologyYaml, options);
    const topology = parseTopology(topologyYaml);
    const labId = randomUUID();
    const nodes = topology.nodes.map((node) => this.nodeFromTopology(labId, node));
    const now = new Date().toISOString();
    this.labs.set(labId, {
      topologyYaml,
      nodes,
      lab: {
        id: labId,
        lab_title: options.title ?? topology.title,
        lab_description: null,
        lab_notes: null,
        created: now,
        modified: now,
        owner: 'admin',
        state: 'DEFINED_ON_CORE',
        node_count: nodes.length,
        link_count: topology.linkCount,
        effective_permissions: ['lab_admin'],
      },
    });
    return { id: labId, warnings: [] };
  }

  async startLab(labId: string) {
    this.recorder.enter('startLab', labId);
    for (const node of this.require('startLab', labId).nodes) {
      if (node.state === 'BOOTED') continue;
      node.state = this.bootImmediately ? 'BOOTED' : 'STARTED';
      node.boot_progress = this.bootImmediately ? 'Booted' : 'Booting';
    }
  }

  async stopLab(labId: string) {
    this.recorder.enter('stopLab', labId);
    for (const node of this.require('stopLab', labId).nodes) {
      if (node.state !== 'DEFINED_ON_CORE') node.state = 'STOPPED';
      node.boot_progress = 'Not running';
    }
  }

  async wipeLab(labId: string) {
    this.recorder.enter('wipeLab', labId);
    const entry = this.require('wipeLab', labId);
    if (labStateOf(entry.nodes) === 'STARTED') throw this.conflict('wipeLab', 'lab must be stopped before wipe');
    for (const node of entry.nodes) node.state = 'DEFINED_ON_CORE';
  }

  async deleteLab(labId: string) {
    this.recorder.enter('deleteLab', labId);
    const entry = this.require('deleteLab', labId);
    if (labStateOf(entry.nodes) !== 'DEFINED_ON_CORE') throw this.conflict('deleteLab', 'lab must be stopped and wiped before delete');
    this.labs.delete(labId);
  }

  async downloadLab(labId: string) {
    this.recorder.enter('downloadLab', labId);
    return this.require('downloadLab', labId).topologyYaml;
  }

  async listNodes(labId: string) {
    this.recorder.enter('listNodes', labId);
    return this.require('listNodes', labId).nodes.map((node) => ({ ...structuredClone(node), configuration: [] }));
  }

  async extractConfiguration(labId: string, nodeId: string) {
    this.recorder.enter('extractConfiguration', labId, nodeId);
    const node = this.requireNode('extractConfiguration', labId, nodeId);
    if (node.state !== 'BOOTED') throw this.conflict('extractConfiguration', `node ${node.label} is not booted`);
    const main = node.configuration.find((file) => file.name === 'Main')?.content ?? '';
    node.configuration = [{ name: 'Main', content: `${main}\n! extracted running-config` }];
  }

  async getNodeConfiguration(labId: string, nodeId: string): Promise<CmlNodeConfigurationFile[]> {
    this.recorder.enter('getNodeConfiguration', labId, nodeId);
    return structuredClone(this.requireNode('getNodeConfiguration', labId, nodeId).configuration);
  }

  async setNodeTags(labId: string, nodeId: string, tags: readonly string[]) {
    this.recorder.enter('setNodeTags', labId, nodeId, [...tags]);
    this.requireNode('setNodeTags', labId, nodeId).tags = [...tags];
  }

  /** Finishes booting every node of a lab started with `bootImmediately: false`. */
  completeBoot(labId: string): void {
    for (const node of this.require('completeBoot', labId).nodes) {
      if (node.state === 'STARTED' || node.state === 'QUEUED') {
        node.state = 'BOOTED';
        node.boot_progress = 'Booted';
      }
    }
  }

  /** Direct access for arranging scenarios (e.g. marking a node DISCONNECTED). */
  nodesOf(labId: string): CmlNode[] {
    return this.require('nodesOf', labId).nodes;
  }

  private snapshotLab(entry: FakeLab): CmlLab {
    return { ...structuredClone(entry.lab), state: labStateOf(entry.nodes), node_count: entry.nodes.length };
  }

  private require(operation: string, labId: string): FakeLab {
    const entry = this.labs.get(labId);
    if (!entry) throw new NotFoundError({ system: 'cml', operation, status: 404, message: `lab ${labId} not found` });
    return entry;
  }

  private requireNode(operation: string, labId: string, nodeId: string): CmlNode {
    const node = this.require(operation, labId).nodes.find((candidate) => candidate.id === nodeId);
    if (!node) throw new NotFoundError({ system: 'cml', operation, status: 404, message: `node ${nodeId} not found` });
    return node;
  }

  private conflict(operation: string, message: string): ConflictError {
    return new ConflictError({ system: 'cml', operation, status: 400, message });
  }

  private nodeFromTopology(labId: string, node: TopologyNode): CmlNode {
    return {
      id: randomUUID(),
      lab_id: labId,
      label: node.label,
      node_definition: node.node_definition,
      image_definition: null,
      tags: node.tags,
      state: 'DEFINED_ON_CORE',
      boot_progress: 'Not running',
      compute_id: null,
      cpus: node.cpus,
      ram: node.ram,
      configuration: node.configuration,
      operational: null,
    };
  }
}

interface TopologyNode {
  label: string;
  node_definition: string;
  tags: string[];
  cpus: number | null;
  ram: number | null;
  configuration: CmlNodeConfigurationFile[];
}

function parseTopology(text: string): { title: string; nodes: TopologyNode[]; linkCount: number } {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new InvalidError({ system: 'cml', operation: 'importLab', status: 400, message: 'topology is not YAML/JSON', cause: error });
  }
  const root = (document ?? {}) as { lab?: { title?: unknown }; nodes?: unknown; links?: unknown };
  if (!Array.isArray(root.nodes)) throw new InvalidError({ system: 'cml', operation: 'importLab', status: 400, message: 'topology has no nodes list' });
  const nodes = root.nodes.map((raw: Record<string, unknown>): TopologyNode => {
    if (typeof raw['label'] !== 'string' || typeof raw['node_definition'] !== 'string') {
      throw new InvalidError({ system: 'cml', operation: 'importLab', status: 400, message: 'node without label or node_definition' });
    }
    const parsedConfiguration = cmlNodeConfigurationSchema.safeParse(raw['configuration']);
    return {
      label: raw['label'],
      node_definition: raw['node_definition'],
      tags: Array.isArray(raw['tags']) ? raw['tags'].map(String) : [],
      cpus: typeof raw['cpus'] === 'number' ? raw['cpus'] : null,
      ram: typeof raw['ram'] === 'number' ? raw['ram'] : null,
      configuration: parsedConfiguration.success ? parsedConfiguration.data : [],
    };
  });
  return {
    title: typeof root.lab?.title === 'string' ? root.lab.title : 'untitled',
    nodes,
    linkCount: Array.isArray(root.links) ? root.links.length : 0,
  };
}

/** CML's derived lab state: STARTED if any node is active, else STOPPED if any is stopped. */
function labStateOf(nodes: readonly CmlNode[]): CmlLabStateValue {
  if (nodes.some((node) => node.state === 'QUEUED' || node.state === 'STARTED' || node.state === 'BOOTED')) return 'STARTED';
  if (nodes.some((node) => node.state === 'STOPPED')) return 'STOPPED';
  return 'DEFINED_ON_CORE';
}
