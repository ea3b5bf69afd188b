import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Clock } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { recordedAction } from '../../../../platform/commit/recorded-action';
import { ApiError } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { CmlWorkerRepository } from '../../../workers';
import { WorkerTemplateRepository } from '../../infrastructure/worker-template.repository';

export class DeleteWorkerTemplateCommand extends Command<void> {
  constructor(
    readonly templateId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** Refused (409) while any worker that is not TERMINATED was made from the template. */
@CommandHandler(DeleteWorkerTemplateCommand)
export class DeleteWorkerTemplateHandler implements ICommandHandler<DeleteWorkerTemplateCommand> {
  constructor(
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ templateId, actor }: DeleteWorkerTemplateCommand): Promise<void> {
    const template = await this.templates.getById(templateId);
    const users = await this.workers.countLiveWorkersOfTemplate(templateId);
    if (users > 0)
      throw new ApiError(
        'CONFLICT',
        `worker template ${template.name} is used by ${users} worker(s); terminate them first`,
      );
    await this.templates.deleteAtVersion(templateId, template.version);
    await this.commits.record({
      events: [
        recordedAction(
          { aggregate_type: 'worker_template', aggregate_id: templateId },
          'worker_template.deleted',
          { name: template.name },
          this.clock,
        ),
      ],
      actor,
      notifications: [
        {
          type: 'worker_template.deleted',
          data: { worker_template_id: templateId },
          at: this.clock.now().toISOString(),
        },
      ],
    });
  }
}
