import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type MarkReadyBody } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { compact, fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabletSessionRepository, UserSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { assertSessionCan } from '../assert-session-can';
import { ensureUserSession } from '../ensure-user-session';
import { recordPipelineSteps } from '../record-pipeline-steps';
import { SessionChanges } from '../session-changes';

export class MarkReadyCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: MarkReadyBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * INSTANTIATING → READY together with the UserSession holding the LDS data (spec §4.1) and the
 * pipeline steps the controller had not recorded yet.
 */
@CommandHandler(MarkReadyCommand)
export class MarkReadyHandler implements ICommandHandler<MarkReadyCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ sessionId, body, actor }: MarkReadyCommand): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    if (session.status === 'READY') return toSessionView(session.toState());
    assertSessionCan(session, 'READY');
    const { userSession, committed: userCommitted } = await ensureUserSession(
      this.userSessions,
      this.clock,
      session,
      {
        lds_session_id: body.lds_session_id,
        lds_part_id: body.lds_part_id ?? null,
        login_url: body.login_url,
        devices: body.devices,
      },
    );
    const before = fingerprint(session);
    recordPipelineSteps(session, body.progress ?? []);
    session.markReady({ userSession, cml_lab_id: body.cml_lab_id, actor });
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed], userSessions: compact([userCommitted]) });
    return toSessionView(committed.state);
  }
}
