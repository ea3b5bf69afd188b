import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type PlacementOutcome, WorkerPlacements } from '../worker-placements';

export interface BatchPlacement {
  session_id: string;
  worker_id: string;
}

export class ScheduleSessionsBatchCommand extends Command<PlacementOutcome[]> {
  constructor(
    readonly placements: readonly BatchPlacement[],
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * Many PENDING → SCHEDULED placements in one call (the resource-scheduler's pass): grouped per
 * worker into one worker write each, answered per pair in the order given.
 */
@CommandHandler(ScheduleSessionsBatchCommand)
export class ScheduleSessionsBatchHandler implements ICommandHandler<ScheduleSessionsBatchCommand> {
  constructor(@Inject(WorkerPlacements) private readonly placements: WorkerPlacements) {}

  execute({ placements, actor }: ScheduleSessionsBatchCommand): Promise<PlacementOutcome[]> {
    return this.placements.placeAll(
      placements.map((placement) => ({
        sessionId: placement.session_id,
        workerId: placement.worker_id,
        actor,
      })),
    );
  }
}
