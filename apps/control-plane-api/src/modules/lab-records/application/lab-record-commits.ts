import { Injectable } from '@nestjs/common';
import { type LabRecord, type LabRecordState } from '@lcm/domain';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import { LabRecordRepository } from '../infrastructure/lab-record.repository';
import { LabRecordsEtcdProjector } from '../infrastructure/lab-records.etcd-projector';
import { labNotifications } from '../infrastructure/lab-record.notifications';

/** Saves a lab record (version-checked) and records what the save committed: audit, etcd key, SSE. */
@Injectable()
export class LabRecordCommits {
  constructor(
    private readonly repository: LabRecordRepository,
    private readonly commits: CommitRecorder,
    private readonly projector: LabRecordsEtcdProjector,
  ) {}

  /** `extraEvents`: facts the aggregate has no method for (see RecordLabRunHandler); audited only. */
  async save(lab: LabRecord, actor: string): Promise<Committed<LabRecordState>> {
    const committed = await this.repository.save(lab);
    const { state, events } = committed;
    await this.commits.record({
      events,
      actor,
      notifications: labNotifications(state, events),
      project: () => this.projector.project(state),
    });
    return committed;
  }
}
