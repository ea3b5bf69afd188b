import { Injectable } from '@nestjs/common';
import { type LabRecord, type LabRecordState } from '@lcm/domain';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import {
  AggregateChanges,
  type AggregateCommitRecorder,
  aggregateStore,
} from '../../../platform/mongo/unit-of-work';
import { LabRecordRepository } from '../infrastructure/lab-record.repository';
import { LabRecordsEtcdProjector } from '../infrastructure/lab-records.etcd-projector';
import { labNotifications } from '../infrastructure/lab-record.notifications';

/**
 * The one way lab-record commands change a lab record: AggregateChanges over the record, recorded
 * as audit entries, its etcd key and its `lab.*` SSE events.
 */
@Injectable()
export class LabRecordChanges implements AggregateCommitRecorder<LabRecord, LabRecordState> {
  private readonly changes: AggregateChanges<LabRecord, LabRecordState>;

  constructor(
    repository: LabRecordRepository,
    private readonly commits: CommitRecorder,
    private readonly projector: LabRecordsEtcdProjector,
  ) {
    this.changes = new AggregateChanges(aggregateStore(repository), this);
  }

  update(
    labRecordId: string,
    actor: string,
    apply: (lab: LabRecord) => void | Promise<void>,
  ): Promise<Committed<LabRecordState>> {
    return this.changes.update(labRecordId, actor, apply);
  }

  /** A new record, or one a pass over many read itself (a lost race is that pass's to report). */
  save(lab: LabRecord, actor: string): Promise<Committed<LabRecordState>> {
    return this.changes.save(lab, actor);
  }

  async recordCommit({ state, events }: Committed<LabRecordState>, actor: string): Promise<void> {
    await this.commits.record({
      events,
      actor,
      notifications: labNotifications(state, events),
      project: () => this.projector.project(state),
    });
  }
}
