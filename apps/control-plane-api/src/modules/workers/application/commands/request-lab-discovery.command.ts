import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type WorkerRequestAccepted } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { recordedAction } from '../../../../platform/commit/recorded-action';
import { CLOCK } from '../../../../platform/platform.tokens';
import { assertNotTerminated } from '../worker-guards';
import { WorkerChanges } from '../worker-changes';

export class RequestLabDiscoveryCommand extends Command<WorkerRequestAccepted> {
  constructor(
    readonly workerId: string,
    readonly labIds: readonly string[],
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * The worker-controller saw lab ids it does not know: the discover-labs key asks the
 * lablet-controller for a targeted discovery. Ids of a request still pending are kept with the new ones.
 */
@CommandHandler(RequestLabDiscoveryCommand)
export class RequestLabDiscoveryHandler implements ICommandHandler<RequestLabDiscoveryCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId, labIds, actor }: RequestLabDiscoveryCommand): Promise<WorkerRequestAccepted> {
    const requestedAt = this.clock.now().toISOString();
    await this.changes.update(workerId, actor, (worker, requests) => {
      assertNotTerminated(worker, 'discover its labs');
      const labIdsToDiscover = [...new Set([...(requests.lab_discovery?.lab_ids ?? []), ...labIds])];
      return {
        requests: {
          ...requests,
          lab_discovery: { lab_ids: labIdsToDiscover, source: actor, triggered_at: requestedAt },
        },
        auditEvents: [
          recordedAction(
            { aggregate_type: 'cml_worker', aggregate_id: workerId },
            'cml_worker.lab_discovery_requested',
            { lab_ids: labIds },
            this.clock,
          ),
        ],
      };
    });
    return { worker_id: workerId, requested_at: requestedAt };
  }
}
