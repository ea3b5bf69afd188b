import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type CreateWorkerBody } from '@lcm/contracts';
import { type Clock, CmlWorker, newId } from '@lcm/domain';
import { CLOCK } from '../../../../platform/platform.tokens';
import { WorkerTemplateRepository } from '../../../worker-templates';
import { defaultWorkerName, enabledTemplate } from '../template-for-worker';
import { WorkerChanges } from '../worker-changes';

export class CreateWorkerCommand extends Command<CmlWorkerView> {
  constructor(
    readonly body: CreateWorkerBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** A PENDING worker from a template; the worker-controller launches it. */
@CommandHandler(CreateWorkerCommand)
export class CreateWorkerHandler implements ICommandHandler<CreateWorkerCommand> {
  constructor(
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: CreateWorkerCommand): Promise<CmlWorkerView> {
    const template = await enabledTemplate(this.templates, body.template_id);
    const id = newId();
    const worker = CmlWorker.create(
      {
        id,
        name: body.name ?? defaultWorkerName(template, id),
        aws_region: body.aws_region ?? template.toState().region,
        template,
        origin: 'user_created',
        created_by: actor,
      },
      this.clock,
    );
    return (await this.changes.create(worker, actor)).view;
  }
}
