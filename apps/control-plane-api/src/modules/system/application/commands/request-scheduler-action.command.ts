import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ControllerRequestAccepted } from '@lcm/contracts';
import { type z } from 'zod';
import { ResourceSchedulerClient } from '../../infrastructure/resource-scheduler.client';

export type SchedulerRequestAccepted = z.infer<typeof ControllerRequestAccepted>;

/** Trigger a placement pass, or make the scheduler leader resign (admin). */
export class RequestSchedulerActionCommand extends Command<SchedulerRequestAccepted> {
  constructor(readonly action: 'reconcile' | 'resign') {
    super();
  }
}

@CommandHandler(RequestSchedulerActionCommand)
export class RequestSchedulerActionHandler implements ICommandHandler<RequestSchedulerActionCommand> {
  constructor(private readonly scheduler: ResourceSchedulerClient) {}

  execute({ action }: RequestSchedulerActionCommand): Promise<SchedulerRequestAccepted> {
    return this.scheduler.call('POST', `/api/admin/${action}`, ControllerRequestAccepted);
  }
}
