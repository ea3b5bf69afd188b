import { type Db } from 'mongodb';
import { type Clock, CmlWorker, type CmlWorkerState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';

export class CmlWorkerRepository extends AggregateRepository<CmlWorkerState, CmlWorker> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'cml_workers',
      entity: 'worker',
      hydrate: (state, c) => CmlWorker.fromState(state, c),
      indexes: [
        { key: { status: 1 }, name: 'status' },
        { key: { template_id: 1 }, name: 'template' },
        { key: { aws_region: 1, status: 1 }, name: 'region_status' },
        { key: { aws_instance_id: 1 }, name: 'instance' },
      ],
    });
  }
}
