import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type WorkerRequestAccepted } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { recordedAction } from '../../../../platform/commit/recorded-action';
import { ApiError } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { workerEvent } from '../../infrastructure/cml-worker.views';
import { assertNotTerminated } from '../worker-guards';
import { WorkerChanges } from '../worker-changes';

/** Spec §3.8 service default: on-demand refreshes at least 10 s apart. */
export const MIN_REFRESH_INTERVAL_MS = 10_000;

export class RequestWorkerRefreshCommand extends Command<WorkerRequestAccepted> {
  constructor(
    readonly workerId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * Recorded by CPA, executed by the controllers (spec §5.2): the metrics refresh becomes due now
 * (cloudwatch.next_refresh_at, which the worker-controller polls by) and the lablet-controller
 * gets a discover-labs request for the whole worker (no lab ids). A second request within 10 s
 * is refused with 429 and announced as skipped.
 */
@CommandHandler(RequestWorkerRefreshCommand)
export class RequestWorkerRefreshHandler implements ICommandHandler<RequestWorkerRefreshCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId, actor }: RequestWorkerRefreshCommand): Promise<WorkerRequestAccepted> {
    const requestedAt = this.clock.now().toISOString();
    try {
      await this.changes.update(workerId, actor, (worker, requests) => {
        assertNotTerminated(worker, 'refresh it');
        const last = requests.refresh_requested_at;
        if (last && Date.parse(requestedAt) - Date.parse(last) < MIN_REFRESH_INTERVAL_MS) {
          throw new ApiError(
            'RATE_LIMITED',
            `worker ${workerId} was refreshed at ${last}; refreshes must be at least ${MIN_REFRESH_INTERVAL_MS / 1000} s apart`,
          );
        }
        worker.observe({ cloudwatch: { ...worker.toState().cloudwatch, next_refresh_at: requestedAt } });
        return {
          requests: {
            ...requests,
            refresh_requested_at: requestedAt,
            lab_discovery: { lab_ids: [], source: 'refresh', triggered_at: requestedAt },
          },
          auditEvents: [
            recordedAction(
              { aggregate_type: 'cml_worker', aggregate_id: workerId },
              'cml_worker.refresh_requested',
              {},
              this.clock,
            ),
          ],
          notifications: () => [
            workerEvent('worker.refresh.requested', { worker_id: workerId, reason: null }, requestedAt),
          ],
        };
      });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'RATE_LIMITED') {
        await this.commits.record({
          events: [],
          actor,
          notifications: [
            workerEvent(
              'worker.refresh.skipped',
              { worker_id: workerId, reason: 'rate_limited' },
              requestedAt,
            ),
          ],
        });
      }
      throw error;
    }
    return { worker_id: workerId, requested_at: requestedAt };
  }
}
