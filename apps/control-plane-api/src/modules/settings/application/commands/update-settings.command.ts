import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type SystemSettings, type UpdateSettingsBody } from '@lcm/contracts';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { SystemSettingsRepository } from '../../infrastructure/system-settings.repository';
import { toSettingsView } from '../../infrastructure/settings.views';

export class UpdateSettingsCommand extends Command<SystemSettings> {
  constructor(
    readonly patch: UpdateSettingsBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(UpdateSettingsCommand)
export class UpdateSettingsHandler implements ICommandHandler<UpdateSettingsCommand> {
  constructor(
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
  ) {}

  async execute({ patch, actor }: UpdateSettingsCommand): Promise<SystemSettings> {
    const settings = await this.settings.loadOrCreateDefault();
    settings.update(patch, actor);
    const { state, events } = await this.settings.save(settings);
    await this.commits.record({ events, actor });
    return toSettingsView(state);
  }
}
