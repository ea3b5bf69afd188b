import { type Db, type Document, type Filter } from 'mongodb';
import { type ListWorkerTemplatesQuery, type Page } from '@lcm/contracts';
import { type Clock, WorkerTemplate, type WorkerTemplateState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';
import { findStatePage } from '../../../platform/mongo/state-page';
import { ConcurrencyConflictError } from '../../../platform/mongo/versioned-collection';

export class WorkerTemplateRepository extends AggregateRepository<WorkerTemplateState, WorkerTemplate> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'worker_templates',
      entity: 'worker template',
      hydrate: (state, c) => WorkerTemplate.fromState(state, c),
      indexes: [{ key: { name: 1 }, name: 'name_unique', unique: true }],
    });
  }

  async existsWithName(name: string): Promise<boolean> {
    return (await this.collection.countDocuments({ name }, { limit: 1 })) > 0;
  }

  async findPage(query: ListWorkerTemplatesQuery): Promise<Page<WorkerTemplateState>> {
    const filter: Filter<Document> = {};
    if (query.region) filter['region'] = query.region;
    if (query.enabled_only) filter['enabled'] = true;
    return findStatePage(this, filter, query);
  }

  /** Removes the template if it is still at the version the caller checked. */
  async deleteAtVersion(id: string, version: number): Promise<void> {
    const result = await this.collection.deleteOne({ _id: id, version } as never);
    if (result.deletedCount !== 1)
      throw new ConcurrencyConflictError(this.collection.collectionName, id, version);
  }
}
