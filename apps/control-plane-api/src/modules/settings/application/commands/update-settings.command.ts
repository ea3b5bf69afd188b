import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type FieldError, type SystemSettings, type UpdateSettingsBody } from '@lcm/contracts';
import { DomainValidationError } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { invalidInput } from '../../../../platform/http/api-error';
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

interface SettingsIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * The patch is the request body, so a rule across fields of the merged settings (min_workers not
 * above the stored max_workers) names its field by the same path in the body.
 */
const bodyFieldErrors = (refusal: DomainValidationError): FieldError[] =>
  ((refusal.details['issues'] ?? []) as SettingsIssue[]).map((issue) => ({
    field: ['body', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));

@CommandHandler(UpdateSettingsCommand)
export class UpdateSettingsHandler implements ICommandHandler<UpdateSettingsCommand> {
  constructor(
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
  ) {}

  async execute({ patch, actor }: UpdateSettingsCommand): Promise<SystemSettings> {
    const settings = await this.settings.loadOrCreateDefault();
    try {
      settings.update(patch, actor);
    } catch (error) {
      if (error instanceof DomainValidationError) throw invalidInput(bodyFieldErrors(error));
      throw error;
    }
    const { state, events } = await this.settings.save(settings);
    await this.commits.record({ events, actor });
    return toSettingsView(state);
  }
}
