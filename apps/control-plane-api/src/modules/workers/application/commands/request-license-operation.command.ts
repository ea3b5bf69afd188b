import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { workerEvent } from '../../infrastructure/cml-worker.views';
import { assertNotTerminated } from '../worker-guards';
import { WorkerChanges } from '../worker-changes';

export type LicenseRequest =
  { operation: 'register'; token: string; reregister: boolean } | { operation: 'deregister' };

export class RequestLicenseOperationCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly request: LicenseRequest,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * Hands a CML licence register/deregister to the worker-controller through the licence key; one
 * operation at a time (409 while another is in progress). Repeating the pending operation restates it.
 */
@CommandHandler(RequestLicenseOperationCommand)
export class RequestLicenseOperationHandler implements ICommandHandler<RequestLicenseOperationCommand> {
  constructor(
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ workerId, request, actor }: RequestLicenseOperationCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker, requests) => {
      assertNotTerminated(worker, `${request.operation} its licence`);
      const pending = requests.license?.operation;
      if (pending && pending !== request.operation)
        throw new ApiError('CONFLICT', `a licence ${pending} is in progress on worker ${workerId}`);
      const license = worker.toState().license;
      worker.observe({
        license: {
          ...license,
          token: request.operation === 'register' ? request.token : license.token,
          operation_in_progress: true,
        },
      });
      const reregister = request.operation === 'register' && request.reregister;
      return {
        requests: {
          ...requests,
          license: { operation: request.operation, reregister, requested_at: this.clock.now().toISOString() },
        },
        notifications: (view) =>
          request.operation === 'register'
            ? [workerEvent('worker.license.registration.started', { worker: view }, view.updated_at)]
            : [],
      };
    });
    return committed.view;
  }
}
