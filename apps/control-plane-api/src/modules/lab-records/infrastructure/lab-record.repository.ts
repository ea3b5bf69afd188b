import { type Db } from 'mongodb';
import { type LabRecordStatus, type Page } from '@lcm/contracts';
import { type Clock, LAB_RECORD_TERMINAL_STATUSES, LabRecord, type LabRecordState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';
import { afterCursor, type KeysetPage, keysetSort, pageOf } from '../../../platform/mongo/page-cursor';

export interface LabRecordFilter {
  worker_id?: string;
  status?: LabRecordStatus[];
  in_use?: boolean;
  has_pending_action?: boolean;
  based_on_definition_id?: string;
  search?: string;
}

/** Newest first, so a dashboard sees recently discovered or imported labs on the first page. */
const LIST_ORDER: KeysetPage = { sortField: 'created_at', direction: -1 };

type LabRecordQuery = Parameters<AggregateRepository<LabRecordState, LabRecord>['findStates']>[0];

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class LabRecordRepository extends AggregateRepository<LabRecordState, LabRecord> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'lab_records',
      entity: 'lab record',
      hydrate: (state, c) => LabRecord.fromState(state, c),
      indexes: [
        { key: { 'runtime_binding.worker_id': 1 }, name: 'worker' },
        {
          key: { 'runtime_binding.worker_id': 1, 'runtime_binding.lab_id': 1 },
          name: 'worker_lab_unique',
          unique: true,
        },
        { key: { last_synced_at: 1 }, name: 'last_synced' },
        { key: { status: 1 }, name: 'status' },
        { key: { pending_action: 1 }, name: 'pending_action' },
        // Not compound with _id: FerretDB drops the connection when such an index is created a second time.
        { key: { created_at: -1 }, name: 'created' },
      ],
    });
  }

  async listPage(
    filter: LabRecordFilter,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<LabRecordState>> {
    const query = afterCursor(this.toQuery(filter), LIST_ORDER, cursor);
    const states = await this.findStates(query, keysetSort(LIST_ORDER), limit + 1);
    return pageOf(states, limit, LIST_ORDER);
  }

  /** Every record of one worker, terminal ones included: a scan must recognise all labs it ever saw there. */
  findOnWorker(workerId: string): Promise<LabRecord[]> {
    return this.findMany(this.toQuery({ worker_id: workerId }));
  }

  /** The records of one worker still attached to a session (through the worker index). */
  findAttachedTo(workerId: string, sessionId: string): Promise<LabRecord[]> {
    return this.findMany({
      'runtime_binding.worker_id': workerId,
      active_lablet_session_id: sessionId,
    } as LabRecordQuery);
  }

  /** Which of `ids` are lab records that no longer hold ports (DELETED or ARCHIVED, decision 20). */
  async findRetiredIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const retired = await this.findStates({
      _id: { $in: [...ids] },
      status: { $in: [...LAB_RECORD_TERMINAL_STATUSES] },
    } as LabRecordQuery);
    return new Set(retired.map((state) => state.id));
  }

  /** The records whose pending-action key must exist in etcd. */
  findStatesWithPendingAction(): Promise<LabRecordState[]> {
    return this.findStates(this.toQuery({ has_pending_action: true }));
  }

  /** R5 candidates: pending actions requested before `cutoff`. */
  findWithPendingActionRequestedBefore(cutoff: Date, limit: number): Promise<LabRecord[]> {
    return this.findMany(
      { pending_action: { $ne: null }, pending_action_at: { $lt: cutoff.toISOString() } } as LabRecordQuery,
      { pending_action_at: 1 },
      limit,
    );
  }

  private toQuery(filter: LabRecordFilter): LabRecordQuery {
    const query: Record<string, unknown> = {};
    if (filter.worker_id) query['runtime_binding.worker_id'] = filter.worker_id;
    if (filter.status) query['status'] = { $in: filter.status };
    if (filter.in_use !== undefined) query['active_lablet_session_id'] = filter.in_use ? { $ne: null } : null;
    if (filter.has_pending_action !== undefined)
      query['pending_action'] = filter.has_pending_action ? { $ne: null } : null;
    if (filter.based_on_definition_id) query['based_on_definition_id'] = filter.based_on_definition_id;
    if (filter.search) {
      const pattern = { $regex: escapeRegex(filter.search), $options: 'i' };
      query['$or'] = [
        { title: pattern },
        { description: pattern },
        { 'runtime_binding.lab_id': pattern },
        { owner_username: pattern },
      ];
    }
    return query as LabRecordQuery;
  }
}
