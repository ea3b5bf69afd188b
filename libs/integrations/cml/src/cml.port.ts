import {
  type CmlImportResult,
  type CmlLab,
  type CmlLabStateValue,
  type CmlLicensing,
  type CmlNode,
  type CmlNodeConfigurationFile,
  type CmlSystemHealth,
  type CmlSystemInformation,
  type CmlTelemetryEvent,
} from './cml.schemas';

export type {
  CmlImportResult,
  CmlLab,
  CmlLabStateValue,
  CmlLicensing,
  CmlNode,
  CmlNodeConfigurationFile,
  CmlSystemHealth,
  CmlSystemInformation,
  CmlTelemetryEvent,
};

export interface CmlResourceUsage {
  used: number;
  free: number;
  total: number;
}

/** `GET /system_stats` condensed: `all` carries no node counts, so they are summed over the compute hosts. */
export interface CmlSystemStats {
  compute_count: number;
  cpu: { count: number | null; percent: number | null };
  /** Bytes (CML does not state units; the original project and the simulator use bytes). */
  memory: CmlResourceUsage;
  disk: CmlResourceUsage;
  nodes: { total: number; running: number; total_orphans: number; running_orphans: number };
  allocated_cpus: number;
  /** KiB, as reported by `dominfo.allocated_memory`. */
  allocated_memory_kib: number;
}

export interface CmlImportOptions {
  /** Overrides `lab.title` of the topology (1–64 characters). */
  title?: string;
}

/**
 * One CML controller (one worker). Implementations hold the worker's credentials and token;
 * errors are the typed errors of `@lcm/integrations/http`.
 */
export interface CmlPort {
  /** Unauthenticated readiness probe. Not-ready controllers typically answer Unavailable (5xx/connection) or Invalid (non-JSON). */
  getSystemInformation(): Promise<CmlSystemInformation>;
  getSystemHealth(): Promise<CmlSystemHealth>;
  getSystemStats(): Promise<CmlSystemStats>;
  getLicensing(): Promise<CmlLicensing>;
  /**
   * Smart Licensing registration; CML accepts it at once (204) and registers asynchronously, so
   * callers poll `getLicensing`. A bad token is InvalidError, "cannot register now" ConflictError.
   */
  registerLicense(token: string, reregister: boolean): Promise<void>;
  /** Already deregistered → ConflictError (CML answers 400); a 202 (done locally, Smart Licensing unreachable) counts as done. */
  deregisterLicense(): Promise<void>;
  /** The whole telemetry history (CML has no filter); categories are passed through as strings. */
  getTelemetryEvents(): Promise<CmlTelemetryEvent[]>;

  listLabIds(): Promise<string[]>;
  /** Every lab with its details; labs deleted between listing and reading are left out. */
  listLabs(): Promise<CmlLab[]>;
  getLab(labId: string): Promise<CmlLab>;
  getLabState(labId: string): Promise<CmlLabStateValue>;
  /** True once every node has booted. */
  isLabConverged(labId: string): Promise<boolean>;
  /** Not idempotent: each call creates a new lab. Callers find-then-create (by title) to avoid duplicates. */
  importLab(topologyYaml: string, options?: CmlImportOptions): Promise<CmlImportResult>;
  startLab(labId: string): Promise<void>;
  stopLab(labId: string): Promise<void>;
  /** The lab must be stopped; otherwise ConflictError. */
  wipeLab(labId: string): Promise<void>;
  /** The lab must be stopped and wiped; otherwise ConflictError. */
  deleteLab(labId: string): Promise<void>;
  /** Topology YAML with current configurations embedded. */
  downloadLab(labId: string): Promise<string>;

  /** All nodes of a lab with operational data, without configurations (one call). */
  listNodes(labId: string): Promise<CmlNode[]>;
  /** Makes CML overwrite the node's stored configuration with its running one; node must be BOOTED (else ConflictError). */
  extractConfiguration(labId: string, nodeId: string): Promise<void>;
  /** The node's stored configuration files, normalised to a list (`Main` is the day-0/main file). */
  getNodeConfiguration(labId: string, nodeId: string): Promise<CmlNodeConfigurationFile[]>;
  /** Replaces the node's tags (`PATCH /labs/{id}/nodes/{nid}`, CML-API.md §3: the list is replaced whole). */
  setNodeTags(labId: string, nodeId: string, tags: readonly string[]): Promise<void>;
}

export type CmlOperation = keyof CmlPort;
