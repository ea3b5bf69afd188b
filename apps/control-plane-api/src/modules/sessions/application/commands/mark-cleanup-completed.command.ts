import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { SessionChanges } from '../session-changes';
import { SessionResourceRelease } from '../session-resources';

export class MarkCleanupCompletedCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly actor: string,
  ) {
    super();
  }
}

/** LDS archival and lab cleanup of a TERMINATED session are done: its etcd keys go (spec §6). */
@CommandHandler(MarkCleanupCompletedCommand)
export class MarkCleanupCompletedHandler implements ICommandHandler<MarkCleanupCompletedCommand> {
  constructor(
    @Inject(SessionResourceRelease) private readonly release: SessionResourceRelease,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, actor }: MarkCleanupCompletedCommand): Promise<SessionView> {
    const { state } = await this.changes.sessions.update(sessionId, actor, (session) =>
      session.markCleanupCompleted(),
    );
    await this.changes.record({ actor, ...(await this.release.afterCommit(state)) });
    return toSessionView(state);
  }
}
