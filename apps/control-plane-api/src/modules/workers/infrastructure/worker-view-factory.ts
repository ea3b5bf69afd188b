import { Inject, Injectable } from '@nestjs/common';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { type Clock, type CmlWorkerState } from '@lcm/domain';
import { CLOCK } from '../../../platform/platform.tokens';
import { CmlWorkerRepository } from './cml-worker.repository';
import { toWorkerView } from './cml-worker.views';

/** The worker read model as of now: the stored control requests joined in, time-dependent conditions evaluated. */
@Injectable()
export class WorkerViewFactory {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  of(state: CmlWorkerState): CmlWorkerView {
    return toWorkerView(state, this.workers.sidecarOf(state), this.clock.now());
  }
}
