import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateWorkerTemplateBody } from '@lcm/contracts';
import { type Clock, newId, WorkerTemplate } from '@lcm/domain';
import { DuplicateDocumentError } from '../../../../platform/mongo/versioned-collection';
import { CLOCK } from '../../../../platform/platform.tokens';
import { WorkerTemplateRepository } from '../../infrastructure/worker-template.repository';
import { WorkerTemplateChanges } from '../worker-template-changes';

export const SEED_ACTOR = 'system:seed';

/** Result: names of the templates that were created (the others existed already). */
export class SeedWorkerTemplatesCommand extends Command<string[]> {
  constructor(readonly templates: readonly CreateWorkerTemplateBody[]) {
    super();
  }
}

/** Create-if-absent by name: an existing template, edited or not, is never overwritten (spec §3.6). */
@CommandHandler(SeedWorkerTemplatesCommand)
export class SeedWorkerTemplatesHandler implements ICommandHandler<SeedWorkerTemplatesCommand> {
  constructor(
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(WorkerTemplateChanges) private readonly changes: WorkerTemplateChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ templates }: SeedWorkerTemplatesCommand): Promise<string[]> {
    const created: string[] = [];
    for (const props of templates) {
      if (await this.templates.existsWithName(props.name)) continue;
      try {
        const template = WorkerTemplate.create({ id: newId(), props, seeded: true }, this.clock);
        await this.changes.save(template, SEED_ACTOR);
        created.push(props.name);
      } catch (error) {
        // Another control-plane replica seeded the same name at the same moment.
        if (!(error instanceof DuplicateDocumentError)) throw error;
      }
    }
    return created;
  }
}
