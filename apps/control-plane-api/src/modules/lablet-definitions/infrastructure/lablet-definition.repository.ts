import { type Db } from 'mongodb';
import { type Clock, LabletDefinition, type LabletDefinitionState } from '@lcm/domain';
import { AggregateRepository } from '../../../platform/mongo/aggregate-repository';

export class LabletDefinitionRepository extends AggregateRepository<LabletDefinitionState, LabletDefinition> {
  constructor(db: Db, clock: Clock) {
    super(db, clock, {
      collection: 'lablet_definitions',
      entity: 'lablet definition',
      hydrate: (state, c) => LabletDefinition.fromState(state, c),
      indexes: [
        { key: { name: 1, semver: 1 }, name: 'name_semver_unique', unique: true },
        { key: { status: 1 }, name: 'status' },
      ],
    });
  }
}
