import {
  type DiscoveredLab,
  etcdPrefixes,
  type LabRecord,
  MAX_PAGE_LIMIT,
  parseEtcdKey,
  type PortMap,
} from '@lcm/contracts';
import { type ControlPlane, isNotFoundError } from '@lcm/cpa-client';
import { type Clock } from '@lcm/domain';
import { type CmlPort } from '@lcm/integrations/cml';
import { type Etcd3 } from 'etcd3';
import { type Logger } from '@lcm/observability';
import {
  done,
  EtcdPrefixSource,
  type KeySource,
  ListSource,
  type ReconcileContext,
  type Reconciler,
  type ReconcileResult,
} from '@lcm/reconciler-runtime';
import { type OutsideSystems } from '../integrations/outside-systems';
import { type LabScan, type LabScanError, scanWorkerLabs } from '../labs/lab-scan';
import { portsFromTags, syncPortTags } from '../labs/port-tags';

export interface LabDiscoveryDeps {
  cpa: ControlPlane;
  systems: OutsideSystems;
  clock: Clock;
  intervalMs: number;
  /** Workers scanned at once (spec §7.3.4: at most 5). */
  parallelism: number;
}

/** What the last scan of a worker found, for `/api/admin/stats`. */
export interface WorkerScanSummary {
  worker_id: string;
  scanned_at: string;
  labs: number;
  /** BOOTED labs whose tagged ports were recorded on the worker (their records held none). */
  ports_claimed: number;
  /** Nodes of BOOTED labs that got missing `protocol:port` tags. */
  nodes_tagged: number;
  errors: Array<{ lab_id: string | null; message: string }>;
}

/** Records that no longer take writes; a lab id of theirs may have been reused by a newer record. */
const RETIRED_STATUSES = new Set<LabRecord['status']>(['DELETED', 'ARCHIVED']);

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Decision 9: the setting only pauses discovery v2. */
const discoveryPaused = async (cpa: ControlPlane): Promise<boolean> =>
  !(await cpa.settings.get()).features.lab_discovery_v2_enabled;

async function discoverableWorkerIds(cpa: ControlPlane): Promise<string[]> {
  if (await discoveryPaused(cpa)) return [];
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<ControlPlane['workers']['list']>> = await cpa.workers.list({
      query: {
        status: ['RUNNING'],
        include_terminated: 'false',
        limit: MAX_PAGE_LIMIT,
        ...(cursor ? { cursor } : {}),
      },
    });
    ids.push(
      ...page.items.filter((worker) => worker.service_status === 'AVAILABLE').map((worker) => worker.id),
    );
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

/**
 * Lab discovery v2 (spec §7.3.4): every RUNNING, AVAILABLE worker at the interval, and a worker at
 * once when the control plane asks for a targeted discovery (`/lcm/workers/{id}/discover_labs`),
 * whose request is cleared after the scan; paused by `features.lab_discovery_v2_enabled`. Per-lab
 * problems are reported, never fatal to a scan.
 */
export class LabDiscoveryReconciler implements Reconciler {
  readonly name = 'lab-discovery';
  readonly sources: readonly KeySource[];
  readonly parallelism: number;
  readonly lastScans = new Map<string, WorkerScanSummary>();

  constructor(
    private readonly deps: LabDiscoveryDeps,
    sources: { etcd?: Etcd3; logger?: Logger } = {},
  ) {
    this.parallelism = deps.parallelism;
    const list = new ListSource(
      'discoverable-workers',
      () => discoverableWorkerIds(deps.cpa),
      deps.intervalMs,
    );
    this.sources =
      sources.etcd && sources.logger
        ? [
            new EtcdPrefixSource({
              name: 'discover-labs-requests',
              etcd: sources.etcd,
              prefix: etcdPrefixes.workers,
              logger: sources.logger,
              keyOf: (key, value) => {
                const parsed = parseEtcdKey(key);
                return value !== null && parsed?.kind === 'workerDiscoverLabs' ? parsed.id : null;
              },
            }),
            list,
          ]
        : [list];
  }

  async reconcile(workerId: string, run: ReconcileContext): Promise<ReconcileResult> {
    let worker;
    try {
      worker = await this.deps.cpa.workers.get({ params: { worker_id: workerId } });
    } catch (error) {
      if (isNotFoundError(error)) return done();
      throw error;
    }
    if (worker.status !== 'RUNNING' || worker.service_status !== 'AVAILABLE') return done();
    // A targeted request waits while discovery is paused; the periodic scan after the resume covers it.
    if (await discoveryPaused(this.deps.cpa)) return done();
    const scannedAt = this.deps.clock.now().toISOString();
    const cml = this.deps.systems.cml(worker);
    const scan = await scanWorkerLabs(cml);
    const result = await this.deps.cpa.labs.discover({
      body: { worker_id: worker.id, labs: scan.labs, scanned_at: scannedAt },
    });
    const ports = await this.registerBootedLabs(cml, worker.id, scan);
    const errors = [...scan.errors, ...result.errors, ...ports.errors];
    if (errors.length > 0) run.log.warn({ worker_id: worker.id, errors }, 'labs left out of the scan');
    run.log.info({ worker_id: worker.id, ...result, errors: errors.length }, 'labs discovered');
    this.lastScans.set(worker.id, {
      worker_id: worker.id,
      scanned_at: scannedAt,
      labs: scan.labs.length,
      ports_claimed: ports.claimed,
      nodes_tagged: ports.nodes,
      errors,
    });
    await this.deps.cpa.workers
      .clearLabDiscoveryRequest({ params: { worker_id: worker.id } })
      .catch((error: unknown) => {
        if (!isNotFoundError(error)) throw error;
      });
    return done();
  }

  /**
   * Spec §7.3.4, after discovery, for each BOOTED lab built from a definition: a record holding no
   * ports gets the ports its nodes are tagged with recorded on the worker (a lab imported by hand,
   * or whose record lost them, would otherwise use ports the scheduler could hand to a new
   * session); then its nodes get the `protocol:port` tags of its ports (PATty maps only tagged
   * ports). Best effort: a lab whose ports clash or cannot be tagged is reported with the scan's
   * errors, the others go on.
   */
  private async registerBootedLabs(
    cml: CmlPort,
    workerId: string,
    scan: LabScan,
  ): Promise<{ claimed: number; nodes: number; errors: LabScanError[] }> {
    const booted = new Map(
      scan.labs.filter((lab) => lab.status === 'BOOTED').map((lab) => [lab.lab_id, lab]),
    );
    const outcome = { claimed: 0, nodes: 0, errors: [] as LabScanError[] };
    if (booted.size === 0) return outcome;
    for (const record of await this.recordsOf(workerId)) {
      const labId = record.runtime_binding.lab_id;
      const scanned = booted.get(labId);
      if (!scanned || !record.based_on_definition_id || RETIRED_STATUSES.has(record.status)) continue;
      const ports =
        Object.keys(record.allocated_ports).length > 0
          ? record.allocated_ports
          : await this.claimTaggedPorts(record, scanned, outcome);
      if (!ports) continue;
      try {
        outcome.nodes += await syncPortTags(cml, labId, ports);
      } catch (error) {
        outcome.errors.push({ lab_id: labId, message: `port tags not synced: ${describe(error)}` });
      }
    }
    return outcome;
  }

  /** The ports the lab's node tags name, recorded on its worker; null when there are none or the control plane refused them. */
  private async claimTaggedPorts(
    record: LabRecord,
    scanned: DiscoveredLab,
    outcome: { claimed: number; errors: LabScanError[] },
  ): Promise<PortMap | null> {
    const ports = portsFromTags(scanned.topology_spec?.nodes ?? []);
    if (Object.keys(ports).length === 0) return null;
    try {
      await this.deps.cpa.labs.claimPorts({
        params: { lab_record_id: record.id },
        body: { allocated_ports: ports },
      });
    } catch (error) {
      outcome.errors.push({ lab_id: scanned.lab_id, message: `ports not recorded: ${describe(error)}` });
      return null;
    }
    outcome.claimed += 1;
    return ports;
  }

  private async recordsOf(workerId: string): Promise<LabRecord[]> {
    const records: LabRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ControlPlane['labs']['list']>> = await this.deps.cpa.labs.list({
        query: { worker_id: workerId, limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) },
      });
      records.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return records;
  }
}
