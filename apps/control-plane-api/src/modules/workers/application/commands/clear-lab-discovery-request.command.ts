import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Clock } from '@lcm/domain';
import { recordedAction } from '../../../../platform/commit/recorded-action';
import { CLOCK } from '../../../../platform/platform.tokens';
import { WorkerChanges } from '../worker-changes';

export class ClearLabDiscoveryRequestCommand extends Command<void> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** The lablet-controller finished the targeted discovery: the discover-labs key goes away. Idempotent. */
@CommandHandler(ClearLabDiscoveryRequestCommand)
export class ClearLabDiscoveryRequestHandler implements ICommandHandler<ClearLabDiscoveryRequestCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId, actor }: ClearLabDiscoveryRequestCommand): Promise<void> {
    await this.changes.update(workerId, actor, (_worker, requests) => {
      if (requests.lab_discovery === null) return;
      return {
        requests: { ...requests, lab_discovery: null },
        auditEvents: [
          recordedAction(
            { aggregate_type: 'cml_worker', aggregate_id: workerId },
            'cml_worker.lab_discovery_cleared',
            {},
            this.clock,
          ),
        ],
      };
    });
  }
}
