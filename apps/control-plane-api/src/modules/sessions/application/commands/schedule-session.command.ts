import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { WorkerPlacements } from '../worker-placements';

export class ScheduleSessionCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** PENDING → SCHEDULED onto one worker (decision 20); see WorkerPlacements for the unit of work. */
@CommandHandler(ScheduleSessionCommand)
export class ScheduleSessionHandler implements ICommandHandler<ScheduleSessionCommand> {
  constructor(@Inject(WorkerPlacements) private readonly placements: WorkerPlacements) {}

  async execute({ sessionId, workerId, actor }: ScheduleSessionCommand): Promise<SessionView> {
    const outcome = await this.placements.place({ sessionId, workerId, actor });
    if ('refused' in outcome) throw outcome.refused;
    return toSessionView(outcome.placed);
  }
}
