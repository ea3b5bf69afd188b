import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Logger } from '@lcm/observability';
import { type AppConfig } from '../../config/env.schema';
import { APP_CONFIG } from '../../platform/app-config.token';
import { StoreStartup } from '../../platform/mongo/store-startup';
import { LOGGER } from '../../platform/platform.tokens';
import { WorkerTemplatesInternalController } from './api/worker-templates.internal.controller';
import { WorkerTemplatesPublicController } from './api/worker-templates.public.controller';
import { CreateWorkerTemplateHandler } from './application/commands/create-worker-template.command';
import { DeleteWorkerTemplateHandler } from './application/commands/delete-worker-template.command';
import {
  SeedWorkerTemplatesCommand,
  SeedWorkerTemplatesHandler,
} from './application/commands/seed-worker-templates.command';
import { UpdateWorkerTemplateHandler } from './application/commands/update-worker-template.command';
import { GetWorkerTemplateHandler } from './application/queries/get-worker-template.query';
import { WorkerTemplateChanges } from './application/worker-template-changes';
import { ListWorkerTemplatesHandler } from './application/queries/list-worker-templates.query';
import {
  DEFAULT_WORKER_TEMPLATES_SEED_FILE,
  readWorkerTemplateSeeds,
} from './infrastructure/worker-template-seed-file';

/** Worker templates (spec §3.6): admin CRUD, reads for the controllers, seeds at start-up. */
@Module({
  controllers: [WorkerTemplatesPublicController, WorkerTemplatesInternalController],
  providers: [
    WorkerTemplateChanges,
    CreateWorkerTemplateHandler,
    UpdateWorkerTemplateHandler,
    DeleteWorkerTemplateHandler,
    SeedWorkerTemplatesHandler,
    ListWorkerTemplatesHandler,
    GetWorkerTemplateHandler,
  ],
})
export class WorkerTemplatesModule implements OnApplicationBootstrap {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(StoreStartup) private readonly startup: StoreStartup,
  ) {}

  /** A broken seed file stops the start; the store being away only delays the seeding. */
  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.WORKER_TEMPLATES_SEED_FILE ?? DEFAULT_WORKER_TEMPLATES_SEED_FILE;
    const seeds = await readWorkerTemplateSeeds(file);
    this.startup.register('worker template seeds', async () => {
      const created = await this.commands.execute(new SeedWorkerTemplatesCommand(seeds));
      if (created.length > 0) this.logger.info({ file, created }, 'seeded worker templates');
    });
  }
}
