import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type FieldError, type SystemSettings, type UpdateSettingsBody } from '@lcm/contracts';
import {
  DomainValidationError,
  SYSTEM_SETTINGS_ID,
  type SystemSettings as SystemSettingsAggregate,
  type SystemSettingsState,
} from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { invalidInput } from '../../../../platform/http/api-error';
import { AggregateChanges, aggregateStore } from '../../../../platform/mongo/unit-of-work';
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

/**
 * AggregateChanges over the singleton: two admins saving at once both land (the later one is
 * applied again to the fresh document), and a patch that changes nothing writes nothing.
 */
@CommandHandler(UpdateSettingsCommand)
export class UpdateSettingsHandler implements ICommandHandler<UpdateSettingsCommand> {
  private readonly changes: AggregateChanges<SystemSettingsAggregate, SystemSettingsState>;

  constructor(
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
    @Inject(CommitRecorder) commits: CommitRecorder,
  ) {
    this.changes = new AggregateChanges(aggregateStore(settings), {
      recordCommit: ({ events }, actor) => commits.record({ events, actor }),
    });
  }

  async execute({ patch, actor }: UpdateSettingsCommand): Promise<SystemSettings> {
    await this.settings.loadOrCreateDefault();
    const { state } = await this.changes.update(SYSTEM_SETTINGS_ID, actor, (settings) => {
      try {
        settings.update(patch, actor);
      } catch (error) {
        if (error instanceof DomainValidationError) throw invalidInput(bodyFieldErrors(error));
        throw error;
      }
    });
    return toSettingsView(state);
  }
}
