import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type UpdateWorkerTemplateBody, type WorkerTemplate as WorkerTemplateView } from '@lcm/contracts';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { ApiError } from '../../../../platform/http/api-error';
import { WorkerTemplateRepository } from '../../infrastructure/worker-template.repository';
import { templateChanged, toWorkerTemplateView } from '../../infrastructure/worker-template.views';

export class UpdateWorkerTemplateCommand extends Command<WorkerTemplateView> {
  constructor(
    readonly templateId: string,
    readonly patch: UpdateWorkerTemplateBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(UpdateWorkerTemplateCommand)
export class UpdateWorkerTemplateHandler implements ICommandHandler<UpdateWorkerTemplateCommand> {
  constructor(
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
  ) {}

  async execute({ templateId, patch, actor }: UpdateWorkerTemplateCommand): Promise<WorkerTemplateView> {
    const template = await this.templates.getById(templateId);
    const { name, enabled, ...fields } = patch;
    // The name is the seed key: renaming would make the next start-up seed the template again. The
    // body is well formed; the stored template's name forbids it (409, errors.contract.ts CONFLICT).
    if (name !== undefined && name !== template.name) {
      throw new ApiError('CONFLICT', 'a template cannot be renamed', [
        { field: 'body.name', message: 'the name of a template is fixed' },
      ]);
    }
    template.update(fields);
    if (enabled !== undefined) template.setEnabled(enabled);
    const { state, events } = await this.templates.save(template);
    const view = toWorkerTemplateView(state);
    await this.commits.record({
      events,
      actor,
      notifications: events.length > 0 ? [templateChanged('worker_template.updated', view)] : [],
    });
    return view;
  }
}
