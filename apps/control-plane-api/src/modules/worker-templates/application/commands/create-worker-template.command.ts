import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateWorkerTemplateBody, type WorkerTemplate as WorkerTemplateView } from '@lcm/contracts';
import { type Clock, newId, WorkerTemplate } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { CLOCK } from '../../../../platform/platform.tokens';
import { WorkerTemplateRepository } from '../../infrastructure/worker-template.repository';
import { templateChanged, toWorkerTemplateView } from '../../infrastructure/worker-template.views';

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
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: CreateWorkerTemplateCommand): Promise<WorkerTemplateView> {
    const { state, events } = await this.templates.save(
      WorkerTemplate.create({ id: newId(), props: body }, this.clock),
    );
    const view = toWorkerTemplateView(state);
    await this.commits.record({
      events,
      actor,
      notifications: [templateChanged('worker_template.created', view)],
    });
    return view;
  }
}
