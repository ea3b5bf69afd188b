import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { assertNotTerminated } from '../worker-guards';
import { WorkerChanges } from '../worker-changes';

export class UpdateWorkerTagsCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly tags: Record<string, string>,
    readonly actor: string,
  ) {
    super();
  }
}

/** The EC2 tags the worker should carry; the worker-controller applies them to the instance. */
@CommandHandler(UpdateWorkerTagsCommand)
export class UpdateWorkerTagsHandler implements ICommandHandler<UpdateWorkerTagsCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, tags, actor }: UpdateWorkerTagsCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      assertNotTerminated(worker, 'tag it');
      if (JSON.stringify(worker.toState().aws_tags) !== JSON.stringify(tags))
        worker.observe({ aws_tags: tags });
    });
    return committed.view;
  }
}
