import { Inject, Injectable } from '@nestjs/common';
import {
  type Clock,
  type CmlWorkerState,
  type LabRecordState,
  LabletSession,
  type LabletSessionState,
  releaseSessionResources,
  releaseUnboundLab,
} from '@lcm/domain';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import { CLOCK } from '../../../platform/platform.tokens';
import { LabRecordRepository } from '../../lab-records';
import { CmlWorkerRepository } from '../../workers';
import { fingerprint, retryOnConflict, saveIfChanged } from '../../../platform/mongo/unit-of-work';

export interface ReleasedResources {
  workers: Committed<CmlWorkerState>[];
  labs: Committed<LabRecordState>[];
}

/**
 * Decision 3 after a committed session change: once the session no longer holds capacity the
 * worker drops it (capacity and its own ports) and the lab is freed. Idempotent, so every later
 * command on the session repeats it and repairs a release that an earlier one could not save.
 * Worker and lab are re-read on every attempt, so a concurrent schedule on the same worker only
 * costs a retry.
 */
@Injectable()
export class SessionResourceRelease {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async afterCommit(sessionState: LabletSessionState): Promise<ReleasedResources> {
    const session = LabletSession.fromState(sessionState, this.clock);
    const released: ReleasedResources = { workers: [], labs: [] };
    if (session.holdsCapacity) return released;
    const workerId = session.workerId;
    const labId = session.labRecordId;
    if (workerId) {
      const committed = await retryOnConflict(async () => {
        const worker = await this.workers.findById(workerId);
        if (!worker) return null;
        const before = fingerprint(worker);
        releaseSessionResources(session, worker, null);
        return saveIfChanged(this.workers, worker, before);
      });
      if (committed) released.workers.push(committed);
    }
    if (labId) {
      const committed = await retryOnConflict(async () => {
        const lab = await this.labs.findById(labId);
        if (!lab) return null;
        const before = fingerprint(lab);
        releaseSessionResources(session, null, lab);
        return saveIfChanged(this.labs, lab, before);
      });
      if (committed) released.labs.push(committed);
    }
    if (workerId) released.labs.push(...(await this.releaseUnboundLabs(session, workerId)));
    return released;
  }

  /** Labs registered for the session's import that it never took (see releaseUnboundLab). */
  private async releaseUnboundLabs(
    session: LabletSession,
    workerId: string,
  ): Promise<Committed<LabRecordState>[]> {
    const attached = await this.labs.findAttachedTo(workerId, session.id);
    const released: Committed<LabRecordState>[] = [];
    for (const { id } of attached.filter((lab) => lab.id !== session.labRecordId)) {
      const committed = await retryOnConflict(async () => {
        const lab = await this.labs.findById(id);
        if (!lab) return null;
        const before = fingerprint(lab);
        releaseUnboundLab(session, lab, await this.workers.findById(workerId));
        return saveIfChanged(this.labs, lab, before);
      });
      if (committed) released.push(committed);
    }
    return released;
  }
}
