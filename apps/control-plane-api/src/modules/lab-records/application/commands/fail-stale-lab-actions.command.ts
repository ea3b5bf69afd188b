import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Clock } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from '../../../../config/env.schema';
import { APP_CONFIG } from '../../../../platform/app-config.token';
import { CLOCK, LOGGER } from '../../../../platform/platform.tokens';
import { ConcurrencyConflictError } from '../../../../platform/mongo/versioned-collection';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { LabRecordChanges } from '../lab-record-changes';

/** How many stale actions one sweep fails; the next sweep takes the rest. */
const SWEEP_BATCH = 200;

/** R5: fails every pending action older than LAB_ACTION_STALE_MINUTES; returns how many it failed. */
export class FailStaleLabActionsCommand extends Command<number> {}

@CommandHandler(FailStaleLabActionsCommand)
export class FailStaleLabActionsHandler implements ICommandHandler<FailStaleLabActionsCommand> {
  constructor(
    private readonly labs: LabRecordRepository,
    private readonly changes: LabRecordChanges,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(): Promise<number> {
    const minutes = this.config.LAB_ACTION_STALE_MINUTES;
    const cutoff = new Date(this.clock.now().getTime() - minutes * 60_000);
    let failed = 0;
    for (const lab of await this.labs.findWithPendingActionRequestedBefore(cutoff, SWEEP_BATCH)) {
      if (!lab.failStalePendingAction(minutes)) continue;
      try {
        await this.changes.save(lab, 'control-plane-api');
        failed += 1;
      } catch (error) {
        // Another CPA process swept it, or the controller reported meanwhile: that write wins.
        if (!(error instanceof ConcurrencyConflictError)) throw error;
      }
    }
    if (failed > 0)
      this.logger.warn({ failed, stale_after_minutes: minutes }, 'failed stale lab pending actions (R5)');
    return failed;
  }
}
