import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabletSessionStatus } from '@lcm/contracts';
import {
  canTransition,
  InvalidTransitionError,
  LABLET_SESSION_MACHINE,
  type LabletSession,
  type UserSession,
} from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { compact, fingerprint, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import { UserSessionRepository } from '../../infrastructure/session.repositories';
import { type SessionView, toSessionView } from '../../infrastructure/session.views';
import { SessionChanges } from '../session-changes';
import { SessionResourceRelease } from '../session-resources';

/** Targets that have a route of their own because they carry data the plain transition does not. */
const DEDICATED_ROUTES: Partial<Record<LabletSessionStatus, string>> = {
  SCHEDULED: 'POST /api/internal/sessions/{id}/schedule',
  READY: 'POST /api/internal/sessions/{id}/mark-ready',
  GRADING: 'POST /api/internal/sessions/{id}/grading-session',
};

export class TransitionSessionCommand extends Command<SessionView> {
  constructor(
    readonly sessionId: string,
    readonly target: LabletSessionStatus,
    readonly input: { reason?: string | undefined; actor: string; startedAt?: string | undefined },
  ) {
    super();
  }
}

/**
 * A guarded transition (internal /transition, the public manual actions, DELETE, expire,
 * start-instantiation, session-started). Asking for the current status is a 200 no-op.
 */
@CommandHandler(TransitionSessionCommand)
export class TransitionSessionHandler implements ICommandHandler<TransitionSessionCommand> {
  constructor(
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
    @Inject(SessionResourceRelease) private readonly release: SessionResourceRelease,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
  ) {}

  async execute({ sessionId, target, input }: TransitionSessionCommand): Promise<SessionView> {
    const actor = input.actor;
    // The user session the transition changes with the session, as read by the attempt that committed.
    const touched: { userSession: UserSession | null; before: string } = { userSession: null, before: '' };
    const { state } = await this.changes.sessions.update(sessionId, actor, async (session) => {
      const userSession =
        (target === 'RUNNING' || target === 'COLLECTING') && session.userSessionId
          ? await this.userSessions.findById(session.userSessionId)
          : null;
      touched.userSession = userSession;
      touched.before = userSession ? fingerprint(userSession) : '';
      this.apply(session, userSession, target, input);
    });
    const userCommitted = touched.userSession
      ? await saveIfChanged(this.userSessions, touched.userSession, touched.before)
      : null;
    const released = await this.release.afterCommit(state);
    await this.changes.record({ actor, userSessions: compact([userCommitted]), ...released });
    return toSessionView(state);
  }

  private apply(
    session: LabletSession,
    userSession: UserSession | null,
    target: LabletSessionStatus,
    input: TransitionSessionCommand['input'],
  ): void {
    const from = session.status;
    const dedicated = DEDICATED_ROUTES[target];
    if (dedicated && from !== target) {
      if (!canTransition(LABLET_SESSION_MACHINE, from, target))
        throw new InvalidTransitionError('SESSION', session.id, from, target);
      throw new ApiError(
        'INVALID_REQUEST',
        `${target} is entered through ${dedicated}, which carries the data it needs`,
        [{ field: 'body.target_status', message: `use ${dedicated}` }],
      );
    }
    const actor = input.actor;
    switch (target) {
      case 'INSTANTIATING':
        session.startInstantiation(actor);
        break;
      case 'RUNNING':
        session.start({ userSession, actor, startedAt: input.startedAt ?? null });
        break;
      case 'COLLECTING':
        session.collect({ userSession, actor });
        break;
      case 'STOPPING':
        session.beginStopping(input.reason ?? 'stop_requested', actor);
        break;
      case 'STOPPED':
        session.markStopped(actor);
        break;
      case 'ARCHIVED':
        session.archive(actor);
        break;
      case 'EXPIRED':
        session.expire(actor);
        break;
      case 'TERMINATED':
        session.terminate({ reason: input.reason ?? 'terminated', terminated_by: actor });
        break;
      case 'PENDING':
      case 'SCHEDULED':
      case 'READY':
      case 'GRADING':
        if (from !== target) throw new InvalidTransitionError('SESSION', session.id, from, target);
        break;
    }
  }
}
