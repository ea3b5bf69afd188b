import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type WorkerIdleStatus } from '@lcm/contracts';
import { type Clock, evaluateIdleness } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { SystemSettingsRepository } from '../../../settings';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { storedWorker } from '../stored-worker';

export class GetWorkerIdleStatusQuery extends Query<WorkerIdleStatus> {
  constructor(readonly workerId: string) {
    super();
  }
}

/** Evaluated now, from the activity recorded so far and the current idle-detection settings. */
@QueryHandler(GetWorkerIdleStatusQuery)
export class GetWorkerIdleStatusHandler implements IQueryHandler<GetWorkerIdleStatusQuery> {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId }: GetWorkerIdleStatusQuery): Promise<WorkerIdleStatus> {
    const state = await storedWorker(this.workers, workerId);
    const idleSettings = (await this.settings.loadOrCreateDefault()).sections.idle_detection;
    return evaluateIdleness(state, idleSettings, this.clock.now());
  }
}
