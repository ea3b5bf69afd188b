import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type CompleteLicenseOperationBody } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { recordedAction } from '../../../../platform/commit/recorded-action';
import { ApiError } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { type ChangeEvent } from '../../../../platform/change-events/change-event-bus';
import { workerEvent } from '../../infrastructure/cml-worker.views';
import { WorkerChanges } from '../worker-changes';

export class CompleteLicenseOperationCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly outcome: CompleteLicenseOperationBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * The worker-controller's outcome of the pending licence operation: the licence key is removed.
 * A repeated report (nothing pending any more) is a no-op; a report for another operation is a 409.
 */
@CommandHandler(CompleteLicenseOperationCommand)
export class CompleteLicenseOperationHandler implements ICommandHandler<CompleteLicenseOperationCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId, outcome, actor }: CompleteLicenseOperationCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker, requests) => {
      const pending = requests.license?.operation;
      if (!pending) return;
      if (pending !== outcome.operation)
        throw new ApiError(
          'CONFLICT',
          `the pending licence operation of worker ${workerId} is ${pending}, not ${outcome.operation}`,
        );
      const license = worker.toState().license;
      const registered = outcome.succeeded && pending === 'register';
      const deregistered = outcome.succeeded && pending === 'deregister';
      worker.observe({
        license: {
          ...license,
          operation_in_progress: false,
          ...(registered ? { status: 'REGISTERED' as const } : {}),
          ...(deregistered ? { status: 'UNREGISTERED' as const, token: null } : {}),
        },
      });
      return {
        requests: { ...requests, license: null },
        auditEvents: [
          recordedAction(
            { aggregate_type: 'cml_worker', aggregate_id: workerId },
            'cml_worker.license_operation_completed',
            outcome,
            this.clock,
          ),
        ],
        notifications: (view): ChangeEvent[] => {
          if (registered)
            return [workerEvent('worker.license.registration.completed', { worker: view }, view.updated_at)];
          if (deregistered)
            return [workerEvent('worker.license.deregistered', { worker: view }, view.updated_at)];
          if (pending === 'register')
            return [
              workerEvent(
                'worker.license.registration.failed',
                { worker: view, error_message: outcome.error_message ?? 'registration failed' },
                view.updated_at,
              ),
            ];
          return [];
        },
      };
    });
    return committed.view;
  }
}
