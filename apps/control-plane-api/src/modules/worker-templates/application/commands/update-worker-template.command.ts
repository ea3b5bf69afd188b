import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type UpdateWorkerTemplateBody, type WorkerTemplate as WorkerTemplateView } from '@lcm/contracts';
import { ApiError } from '../../../../platform/http/api-error';
import { toWorkerTemplateView } from '../../infrastructure/worker-template.views';
import { WorkerTemplateChanges } from '../worker-template-changes';

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
  constructor(@Inject(WorkerTemplateChanges) private readonly changes: WorkerTemplateChanges) {}

  async execute({ templateId, patch, actor }: UpdateWorkerTemplateCommand): Promise<WorkerTemplateView> {
    const { name, enabled, ...fields } = patch;
    const { state } = await this.changes.update(templateId, actor, (template) => {
      // The name is the seed key: renaming would make the next start-up seed the template again. The
      // body is well formed; the stored template's name forbids it (409, errors.contract.ts CONFLICT).
      if (name !== undefined && name !== template.name) {
        throw new ApiError('CONFLICT', 'a template cannot be renamed', [
          { field: 'body.name', message: 'the name of a template is fixed' },
        ]);
      }
      template.update(fields);
      if (enabled !== undefined) template.setEnabled(enabled);
    });
    return toWorkerTemplateView(state);
  }
}
