import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
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
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(SessionResourceRelease) private readonly release: SessionResourceRelease,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, actor }: MarkCleanupCompletedCommand): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    const before = fingerprint(session);
    session.markCleanupCompleted();
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    const released = await this.release.afterCommit(committed.state);
    await this.changes.record({ actor, sessions: [committed], ...released });
    return toSessionView(committed.state);
  }
}
