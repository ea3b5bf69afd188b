import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ControllerRequestAccepted, IsoDateTime } from '@lcm/contracts';
import { z } from 'zod';
import { ResourceSchedulerClient } from '../../infrastructure/resource-scheduler.client';

export type SchedulerRequestAccepted = z.infer<typeof ControllerRequestAccepted>;

/** What the scheduler's admin API answers to reconcile and resign (it may add counts). */
const AdminRequestAccepted = z.object({ requested_at: IsoDateTime });

/** Trigger a placement pass, or make the scheduler leader resign (admin). */
export class RequestSchedulerActionCommand extends Command<SchedulerRequestAccepted> {
  constructor(readonly action: 'reconcile' | 'resign') {
    super();
  }
}

@CommandHandler(RequestSchedulerActionCommand)
export class RequestSchedulerActionHandler implements ICommandHandler<RequestSchedulerActionCommand> {
  constructor(private readonly scheduler: ResourceSchedulerClient) {}

  async execute({ action }: RequestSchedulerActionCommand): Promise<SchedulerRequestAccepted> {
    const { requested_at } = await this.scheduler.call('POST', `/api/admin/${action}`, AdminRequestAccepted);
    return { controller: 'resource-scheduler', requested_at };
  }
}
