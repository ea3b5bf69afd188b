import { type Db, type Document, type Filter } from 'mongodb';
import { CmlWorkerStatus, type ListWorkersQuery, type Page, type PageQuery } from '@lcm/contracts';
import { type Clock, CmlWorker, type CmlWorkerState } from '@lcm/domain';
import { findStatePage } from '../../../platform/mongo/state-page';
import { SidecarAggregateRepository } from '../../../platform/mongo/sidecar-repository';
import { WorkerControlRequests } from './worker-control-requests';

const NOT_TERMINATED: Filter<Document> = { status: { $ne: 'TERMINATED' } };
const LIVE_STATUSES = CmlWorkerStatus.options.filter((status) => status !== 'TERMINATED');

export class CmlWorkerRepository extends SidecarAggregateRepository<
  CmlWorkerState,
  CmlWorker,
  WorkerControlRequests
> {
  constructor(db: Db, clock: Clock) {
    super(
      db,
      clock,
      {
        collection: 'cml_workers',
        entity: 'worker',
        hydrate: (state, c) => CmlWorker.fromState(state, c),
        indexes: [
          { key: { status: 1 }, name: 'status' },
          { key: { template_id: 1 }, name: 'template' },
          { key: { aws_region: 1, status: 1 }, name: 'region_status' },
          { key: { aws_instance_id: 1 }, name: 'instance' },
        ],
      },
      { field: 'control_requests', schema: WorkerControlRequests },
    );
  }

  /** TERMINATED workers are history unless a status filter or include_terminated asks for them. */
  async findPage(query: ListWorkersQuery): Promise<Page<CmlWorkerState>> {
    const filter: Filter<Document> = query.status
      ? { status: { $in: query.status } }
      : query.include_terminated
        ? {}
        : { ...NOT_TERMINATED };
    if (query.template_id) filter['template_id'] = query.template_id;
    if (query.aws_region) filter['aws_region'] = query.aws_region;
    return findStatePage(this, filter, query);
  }

  /** Workers that can hold sessions: not TERMINATED and with declared capacity (decision 13). */
  async findCapacityPage(page: PageQuery): Promise<Page<CmlWorkerState>> {
    return findStatePage(this, { ...NOT_TERMINATED, declared_capacity: { $ne: null } }, page);
  }

  /**
   * Every worker that can hold sessions (findCapacityPage's set), read at once with one equality
   * query per live status: keyset pages are whole-collection scans on FerretDB (docs/decisions/store.md).
   */
  async findPlaceableStates(): Promise<CmlWorkerState[]> {
    const live = await this.findStatesWhereAnyOf('status', LIVE_STATUSES);
    return live.filter((worker) => worker.declared_capacity !== null);
  }

  /** TERMINATED workers whose last change is after `since` (all of them without it). */
  async findTerminatedStates(since: string | null): Promise<CmlWorkerState[]> {
    return this.findStates({
      status: 'TERMINATED',
      ...(since ? { updated_at: { $gt: since } } : {}),
    } as never);
  }

  async findAllPage(page: PageQuery): Promise<Page<CmlWorkerState>> {
    return findStatePage(this, {}, page);
  }

  async countLiveWorkersOfTemplate(templateId: string): Promise<number> {
    return this.collection.countDocuments({ ...NOT_TERMINATED, template_id: templateId } as never);
  }

  async countLiveWorkersInRegion(region: string): Promise<number> {
    return this.collection.countDocuments({ ...NOT_TERMINATED, aws_region: region } as never);
  }

  async findLiveWorkerWithInstance(instanceId: string): Promise<CmlWorkerState | null> {
    const [state] = await this.findStates(
      { ...NOT_TERMINATED, aws_instance_id: instanceId } as never,
      { _id: 1 },
      1,
    );
    return state ?? null;
  }

  /** What a dashboard starts from: the workers that are not TERMINATED, bounded. */
  async findSnapshotStates(limit: number): Promise<CmlWorkerState[]> {
    return this.findStates(NOT_TERMINATED as never, { created_at: 1, _id: 1 }, limit);
  }

  /** The workers that are not TERMINATED, optionally of one region, by region and name; bounded. */
  async findLiveWorkersByRegion(region: string | undefined, limit: number): Promise<CmlWorkerState[]> {
    return this.findStates(
      { ...NOT_TERMINATED, ...(region ? { aws_region: region } : {}) } as never,
      { aws_region: 1, name: 1, _id: 1 },
      limit,
    );
  }
}
