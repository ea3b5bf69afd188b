import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreateUserSessionBody, type UserSession as UserSessionView } from '@lcm/contracts';
import { type Clock } from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { compact } from '../../../../platform/mongo/unit-of-work';
import { CLOCK } from '../../../../platform/platform.tokens';
import { LabletSessionRepository, UserSessionRepository } from '../../infrastructure/session.repositories';
import { toUserSessionView } from '../../infrastructure/session.views';
import { userSessionIdOf } from '../child-ids';
import { ensureUserSession } from '../ensure-user-session';
import { SessionChanges } from '../session-changes';

export class CreateUserSessionCommand extends Command<UserSessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: CreateUserSessionBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** LC created the LDS session (spec §7.3.2); PROVISIONED when the login URL is already known. */
@CommandHandler(CreateUserSessionCommand)
export class CreateUserSessionHandler implements ICommandHandler<CreateUserSessionCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ sessionId, body, actor }: CreateUserSessionCommand): Promise<UserSessionView> {
    const session = await this.sessions.getById(sessionId);
    const existing = await this.userSessions.findById(userSessionIdOf(sessionId));
    if (!existing && session.status !== 'INSTANTIATING') {
      throw new ApiError(
        'CONFLICT',
        `session ${sessionId} is ${session.status}; its user session is created while INSTANTIATING`,
      );
    }
    const { userSession, committed } = await ensureUserSession(this.userSessions, this.clock, session, {
      lds_session_id: body.lds_session_id,
      lds_part_id: body.lds_part_id ?? null,
      login_url: body.login_url ?? null,
      devices: body.devices,
      form_qualified_name: body.form_qualified_name ?? null,
    });
    await this.changes.record({ actor, userSessions: compact([committed]) });
    return toUserSessionView(userSession.toState());
  }
}
