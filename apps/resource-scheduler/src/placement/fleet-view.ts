import type { Etcd3 } from 'etcd3';
import {
  type CmlWorker,
  decodeEtcdValue,
  etcdPrefixes,
  MAX_PAGE_LIMIT,
  parseEtcdKey,
  type WorkerCapacitySnapshot,
} from '@lcm/contracts';
import { type ControlPlane, isNotFoundError } from '@lcm/cpa-client';
import {
  freePortCount,
  parseVersion,
  type PlacementCandidate,
  type PlacementDemand,
  PlacementFleet,
} from '@lcm/domain';
import type { Logger } from '@lcm/observability';

/**
 * More workers changed than this since the listing: list the fleet again rather than read each.
 * A listing costs the store a pass over the whole collection (docs/decisions/store.md), so at
 * fleet size it costs far more than reading a few workers by id.
 */
const REREAD_AT_MOST = 50;

/** Where the capacity keys come from: etcd in the app, a map in unit tests. */
export interface CapacityKeySource {
  /** Every key under `/lcm/workers/` with its raw value. */
  list(): Promise<Record<string, string>>;
}

export const etcdCapacityKeys = (etcd: Etcd3): CapacityKeySource => ({
  list: () => etcd.getAll().prefix(etcdPrefixes.workers).strings(),
});

/** What an etcd change under `/lcm/workers/` meant for the fleet. */
export type FleetChange = 'capacity' | 'status' | null;

export interface FleetViewOptions {
  cpa: ControlPlane;
  capacityKeys: CapacityKeySource;
  maxAgeMs: number;
  log: Logger;
  now?: () => number;
}

interface Reservation {
  readonly workerId: string;
  readonly demand: PlacementDemand;
}

/**
 * The scheduler's view of the fleet (spec §7.1 step 2): every non-terminated worker from the
 * internal API, with capacity from the etcd capacity keys where they are newer than the worker
 * document. A missing or malformed key affects only its worker, which keeps the API's figures.
 * Placements in flight are reserved in the view, so concurrent decisions of this replica do not
 * pick the same last slot; the control plane re-validates every schedule anyway.
 */
export class FleetView {
  private workers = new Map<string, CmlWorker>();
  private fleet = new PlacementFleet([]);
  private loadedAt = Number.NEGATIVE_INFINITY;
  private stale = true;
  private loading: Promise<void> | null = null;
  /** Workers whose status moved since they were read: each is read again by id before the next decision. */
  private readonly changed = new Set<string>();
  private rereading: Promise<void> | null = null;
  private readonly inFlight = new Map<string, Reservation>();
  private readonly now: () => number;
  private readonly badKeys = new Set<string>();

  constructor(private readonly options: FleetViewOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The fleet to decide on: listed again when stale, older than the maximum age or changed in many
   * workers; otherwise the workers whose status moved are read again one by one.
   */
  async current(): Promise<PlacementFleet> {
    if (
      this.stale ||
      this.now() - this.loadedAt > this.options.maxAgeMs ||
      this.changed.size > REREAD_AT_MOST
    )
      await this.refresh();
    else if (this.changed.size > 0) await this.rereadChanged();
    return this.fleet;
  }

  /** Every non-terminated worker as last listed (the scale-up checks read starting workers here). */
  listedWorkers(): readonly CmlWorker[] {
    return [...this.workers.values()];
  }

  /** The next decision lists the fleet again (a 409/422 said the view was stale). */
  invalidate(): void {
    this.stale = true;
  }

  /** Lists workers and capacity keys now; concurrent callers share one listing. */
  refresh(): Promise<void> {
    if (!this.loading)
      this.loading = this.load().finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  reserve(sessionId: string, workerId: string, demand: PlacementDemand): void {
    this.inFlight.set(sessionId, { workerId, demand });
    this.fleet.reserve(workerId, demand);
  }

  /**
   * The schedule call returned. A refused placement gives its reservation back; a confirmed one
   * stays counted until the worker's next capacity report or listing, which includes it.
   */
  settle(sessionId: string, confirmed: boolean): void {
    const reservation = this.inFlight.get(sessionId);
    if (!reservation) return;
    this.inFlight.delete(sessionId);
    if (!confirmed) this.fleet.release(reservation.workerId, reservation.demand);
  }

  /** Applies one etcd change under `/lcm/workers/`; never throws on a bad value. */
  applyKeyChange(etcdKey: string, raw: string | null): FleetChange {
    const parsed = parseEtcdKey(etcdKey);
    if (!parsed || parsed.kind === 'leader') return null;
    if (parsed.kind === 'workerActual') {
      if (!this.statusChanged(parsed.id, raw)) return null;
      if (raw === null) this.stale = true;
      else this.changed.add(parsed.id);
      return 'status';
    }
    if (parsed.kind !== 'workerCapacity' || raw === null) return null;
    const snapshot = this.decodeCapacity(etcdKey, raw);
    const worker = this.workers.get(parsed.id);
    if (!snapshot || !worker) return null;
    this.fleet.upsert(candidateOf(worker, snapshot));
    for (const reservation of this.inFlight.values())
      if (reservation.workerId === parsed.id) this.fleet.reserve(parsed.id, reservation.demand);
    return 'capacity';
  }

  /** A new worker, a deleted key, or another status or CML service status than listed. */
  private statusChanged(workerId: string, raw: string | null): boolean {
    const listed = this.workers.get(workerId);
    if (!listed || raw === null) return true;
    try {
      const actual = decodeEtcdValue('workerActual', raw);
      return actual.status !== listed.status || actual.service_status !== listed.service_status;
    } catch {
      return true;
    }
  }

  private async load(): Promise<void> {
    this.stale = false;
    // The listing below sees every change made so far; later ones are read on the next decision.
    this.changed.clear();
    const startedAt = this.now();
    const [workers, snapshots] = await Promise.all([this.listWorkers(), this.listCapacity()]);
    this.workers = new Map(workers.map((worker) => [worker.id, worker]));
    this.fleet = new PlacementFleet(workers.map((worker) => candidateOf(worker, snapshots.get(worker.id))));
    for (const { workerId, demand } of this.inFlight.values()) this.fleet.reserve(workerId, demand);
    this.loadedAt = startedAt;
  }

  /** Concurrent decisions share one round of reads. */
  private rereadChanged(): Promise<void> {
    if (!this.rereading)
      this.rereading = this.reread([...this.changed]).finally(() => {
        this.rereading = null;
      });
    return this.rereading;
  }

  /** A worker that is gone, or a read that fails, leaves the fleet to be listed again. */
  private async reread(workerIds: string[]): Promise<void> {
    for (const workerId of workerIds) this.changed.delete(workerId);
    await Promise.all(
      workerIds.map(async (workerId) => {
        try {
          const worker = await this.options.cpa.workers.get({ params: { worker_id: workerId } });
          this.workers.set(worker.id, worker);
          this.fleet.upsert(candidateOf(worker));
          for (const { workerId: reserved, demand } of this.inFlight.values())
            if (reserved === worker.id) this.fleet.reserve(reserved, demand);
        } catch (error) {
          if (!isNotFoundError(error))
            this.options.log.warn(
              { err: error, worker_id: workerId },
              'worker not read again; listing the fleet',
            );
          this.stale = true;
        }
      }),
    );
  }

  private async listWorkers(): Promise<CmlWorker[]> {
    const workers: CmlWorker[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.cpa.workers.list({
        query: { limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) },
      });
      workers.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return workers;
  }

  /** Capacity keys by worker id; etcd being unreachable leaves every worker on the API's figures. */
  private async listCapacity(): Promise<Map<string, WorkerCapacitySnapshot>> {
    const snapshots = new Map<string, WorkerCapacitySnapshot>();
    let keys: Record<string, string>;
    try {
      keys = await this.options.capacityKeys.list();
    } catch (error) {
      this.options.log.warn({ err: error }, 'capacity keys unreadable; using the control plane figures');
      return snapshots;
    }
    for (const [key, raw] of Object.entries(keys)) {
      const parsed = parseEtcdKey(key);
      if (parsed?.kind !== 'workerCapacity') continue;
      const snapshot = this.decodeCapacity(key, raw);
      if (snapshot && snapshot.worker_id === parsed.id) snapshots.set(parsed.id, snapshot);
    }
    return snapshots;
  }

  private decodeCapacity(key: string, raw: string): WorkerCapacitySnapshot | null {
    try {
      const snapshot = decodeEtcdValue('workerCapacity', raw);
      this.badKeys.delete(key);
      return snapshot;
    } catch (error) {
      if (!this.badKeys.has(key))
        this.options.log.warn(
          { key, err: error },
          'malformed capacity key; the worker keeps the API figures',
        );
      this.badKeys.add(key);
      return null;
    }
  }
}

/** A worker as placement sees it; capacity from the snapshot when that is at least as new as the document. */
export function candidateOf(worker: CmlWorker, snapshot?: WorkerCapacitySnapshot): PlacementCandidate {
  const useSnapshot =
    snapshot !== undefined &&
    worker.declared_capacity !== null &&
    Date.parse(snapshot.updated_at) >= Date.parse(worker.updated_at);
  return {
    id: worker.id,
    status: worker.status,
    serviceStatus: worker.service_status,
    licenseType: worker.license_type,
    amiName: worker.ami_name,
    cmlVersion: parseVersion(worker.metrics?.version ?? null),
    declared: useSnapshot ? snapshot.declared_capacity : worker.declared_capacity,
    allocated: useSnapshot ? snapshot.allocated_capacity : worker.allocated_capacity,
    freePorts: freePortCount(
      { start: worker.port_range_start, end: worker.port_range_end },
      worker.port_allocations,
    ),
  };
}
