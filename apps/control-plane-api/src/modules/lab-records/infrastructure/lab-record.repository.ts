import { type Db } from 'mongodb';
import { type Clock, LabRecord, type LabRecordState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';

export class LabRecordRepository extends AggregateRepository<LabRecordState, LabRecord> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'lab_records',
      entity: 'lab record',
      hydrate: (state, c) => LabRecord.fromState(state, c),
      indexes: [
        { key: { 'runtime_binding.worker_id': 1 }, name: 'worker' },
        { key: { 'runtime_binding.worker_id': 1, 'runtime_binding.lab_id': 1 }, name: 'worker_lab_unique', unique: true },
        { key: { last_synced_at: 1 }, name: 'last_synced' },
        { key: { status: 1 }, name: 'status' },
        { key: { pending_action: 1 }, name: 'pending_action' },
      ],
    });
  }
}
