import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type UpdateUserSessionStatusBody, type UserSession as UserSessionView } from '@lcm/contracts';
import { InvalidTransitionError, type UserSession } from '@lcm/domain';
import { ApiError, notFound } from '../../../../platform/http/api-error';
import { DocumentNotFoundError } from '../../../../platform/mongo/versioned-collection';
import { LabletSessionRepository } from '../../infrastructure/session.repositories';
import { toUserSessionView } from '../../infrastructure/session.views';
import { userSessionIdOf } from '../child-ids';
import { SessionChanges } from '../session-changes';

export class UpdateUserSessionStatusCommand extends Command<UserSessionView> {
  constructor(
    readonly sessionId: string,
    readonly body: UpdateUserSessionStatusBody,
    readonly actor: string,
  ) {
    super();
  }
}

@CommandHandler(UpdateUserSessionStatusCommand)
export class UpdateUserSessionStatusHandler implements ICommandHandler<UpdateUserSessionStatusCommand> {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, body, actor }: UpdateUserSessionStatusCommand): Promise<UserSessionView> {
    const session = await this.sessions.getById(sessionId);
    const userSessionId = session.userSessionId ?? userSessionIdOf(sessionId);
    const { state } = await this.changes.userSessions
      .update(userSessionId, actor, (userSession) => applyStatus(userSession, body))
      .catch((error: unknown) => {
        throw error instanceof DocumentNotFoundError
          ? notFound('user session of lablet session', sessionId)
          : error;
      });
    return toUserSessionView(state);
  }
}

function applyStatus(userSession: UserSession, body: UpdateUserSessionStatusBody): void {
  const state = userSession.toState();
  switch (body.status) {
    case 'PROVISIONING':
      if (userSession.status !== 'PROVISIONING')
        throw new InvalidTransitionError('USER_SESSION', userSession.id, userSession.status, 'PROVISIONING');
      break;
    case 'PROVISIONED':
      if (!state.login_url && userSession.status === 'PROVISIONING') {
        throw new ApiError(
          'INVALID_REQUEST',
          'PROVISIONED needs the login URL; send it with mark-ready or the user-session create',
        );
      }
      if (state.login_url) userSession.markProvisioned({ login_url: state.login_url });
      break;
    case 'ACTIVE':
      userSession.activate();
      break;
    case 'PAUSED':
      userSession.pause();
      break;
    case 'ENDED':
      userSession.end();
      break;
    case 'EXPIRED':
      userSession.expire();
      break;
    case 'FAULTED':
      userSession.fault(body.error_message ?? 'faulted');
      break;
  }
}
