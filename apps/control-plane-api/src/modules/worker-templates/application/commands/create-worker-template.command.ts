import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateWorkerTemplateBody, type WorkerTemplate as WorkerTemplateView } from '@lcm/contracts';
import { type Clock, newId, WorkerTemplate } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { toWorkerTemplateView } from '../../infrastructure/worker-template.views';
import { WorkerTemplateChanges } from '../worker-template-changes';

export class CreateWorkerTemplateCommand extends Command<WorkerTemplateView> {
  constructor(
    readonly body: CreateWorkerTemplateBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** A duplicate name is refused by the unique index (409). */
@CommandHandler(CreateWorkerTemplateCommand)
export class CreateWorkerTemplateHandler implements ICommandHandler<CreateWorkerTemplateCommand> {
  constructor(
    @Inject(WorkerTemplateChanges) private readonly changes: WorkerTemplateChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: CreateWorkerTemplateCommand): Promise<WorkerTemplateView> {
    const template = WorkerTemplate.create({ id: newId(), props: body }, this.clock);
    return toWorkerTemplateView((await this.changes.save(template, actor)).state);
  }
}
