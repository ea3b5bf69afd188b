import { type Db } from 'mongodb';
import { type Clock, WorkerTemplate, type WorkerTemplateState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';

export class WorkerTemplateRepository extends AggregateRepository<WorkerTemplateState, WorkerTemplate> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'worker_templates',
      entity: 'worker template',
      hydrate: (state, c) => WorkerTemplate.fromState(state, c),
      indexes: [{ key: { name: 1 }, name: 'name_unique', unique: true }],
    });
  }
}
