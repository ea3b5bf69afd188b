import { Inject, Injectable } from '@nestjs/common';
import { type Etcd3 } from 'etcd3';
import { encodeEtcdValue, etcdKeys, etcdPrefixes, parseEtcdKey } from '@lcm/contracts';
import { type LabRecordState } from '@lcm/domain';
import { ETCD_CLIENT } from '../../../platform/platform.tokens';
import { FencedProjection } from '../../../platform/etcd-projection/fenced-projection';
import { type EtcdProjector } from '../../../platform/etcd-projection/projection-registry';
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

/**
 * `/lcm/lab_records/{id}/pending_action` (spec §6): present exactly while the record has a pending
 * action; written from a committed record and fenced by its version (fenced-projection.ts).
 */
@Injectable()
export class LabRecordsEtcdProjector implements EtcdProjector {
  readonly name = 'lab-records';
  private readonly projection: FencedProjection<LabRecordState>;

  constructor(
    @Inject(ETCD_CLIENT) etcd: Etcd3,
    private readonly repository: LabRecordRepository,
  ) {
    this.projection = new FencedProjection(etcd, {
      kind: 'lab-records',
      prefix: etcdPrefixes.labRecords,
      entityPrefix: (id) => `${etcdPrefixes.labRecords}${id}/`,
      ownerOf: (key) => {
        const parsed = parseEtcdKey(key);
        return parsed?.kind === 'labPendingAction' ? parsed.id : null;
      },
      keysOf: (state) => new Map([[etcdKeys.labPendingAction(state.id), pendingActionValue(state)]]),
    });
  }

  project(state: LabRecordState): Promise<void> {
    return this.projection.write(state);
  }

  /** Writes the key of every pending action and deletes every pending-action key without one in MongoDB. */
  republishAll(): Promise<void> {
    return this.projection.republish(
      () => this.scan(),
      (ids) => this.repository.findStatesByIds(ids),
    );
  }

  private async *scan(): AsyncIterable<LabRecordState[]> {
    yield await this.repository.findStatesWithPendingAction();
  }
}
