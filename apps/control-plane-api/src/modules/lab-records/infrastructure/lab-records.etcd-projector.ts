import { Inject, Injectable } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { encodeEtcdValue, etcdKeys, etcdPrefixes, parseEtcdKey } from '@lcm/contracts';
import { type LabRecordState } from '@lcm/domain';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';
import { type EtcdProjector } from '../../projection/projection-registry';
import { LabRecordRepository } from './lab-record.repository';

function pendingActionValue(state: LabRecordState): string | null {
  if (state.pending_action === null) return null;
  return encodeEtcdValue('labPendingAction', {
    action: state.pending_action,
    lab_id: state.runtime_binding.lab_id,
    worker_id: state.runtime_binding.worker_id,
    requested_at: state.pending_action_at ?? state.updated_at,
  });
}

/** `/lcm/lab_records/{id}/pending_action` (spec §6): present exactly while the record has a pending action. */
@Injectable()
export class LabRecordsEtcdProjector implements EtcdProjector {
  readonly name = 'lab-records';

  constructor(
    @Inject(ETCD_CLIENT) private readonly etcd: Etcd3,
    private readonly repository: LabRecordRepository,
  ) {}

  async project(state: LabRecordState): Promise<void> {
    const key = etcdKeys.labPendingAction(state.id);
    const value = pendingActionValue(state);
    await (value === null ? this.etcd.delete().key(key) : this.etcd.put(key).value(value));
  }

  /** Writes the key of every pending action and deletes every pending-action key without one in MongoDB. */
  async republishAll(): Promise<void> {
    const pending = await this.repository.findStatesWithPendingAction();
    const wanted = new Map(
      pending.map((state) => [etcdKeys.labPendingAction(state.id), pendingActionValue(state) as string]),
    );
    const stored = await this.etcd.getAll().prefix(etcdPrefixes.labRecords).keys();
    const stale = stored.filter((key) => parseEtcdKey(key)?.kind === 'labPendingAction' && !wanted.has(key));
    await Promise.all([
      ...stale.map((key) => this.etcd.delete().key(key)),
      ...[...wanted].map(([key, value]) => this.etcd.put(key).value(value)),
    ]);
  }
}
