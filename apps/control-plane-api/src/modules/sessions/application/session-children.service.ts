import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateGradingSessionBody,
  type CreateScoreReportBody,
  type CreateUserSessionBody,
  type GradingSession as GradingSessionView,
  type MarkReadyBody,
  type ScoreReport as ScoreReportView,
  type UpdateGradingStatusBody,
  type UpdateUserSessionStatusBody,
  type UserSession as UserSessionView,
} from '@lcm/contracts';
import {
  canTransition,
  type Clock,
  GradingSession,
  type GradingSessionState,
  InvalidTransitionError,
  LABLET_SESSION_MACHINE,
  type LabletSession,
  ScoreReport,
  UserSession,
  type UserSessionState,
} from '@lcm/domain';
import { ApiError, notFound } from '../../../platform/http/api-error';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import { CLOCK } from '../../../platform/platform.tokens';
import {
  GradingSessionRepository,
  LabletSessionRepository,
  ScoreReportRepository,
  UserSessionRepository,
} from '../infrastructure/session.repositories';
import {
  type SessionView,
  toGradingSessionView,
  toScoreReportView,
  toSessionView,
  toUserSessionView,
} from '../infrastructure/session-views';
import { gradingSessionIdOf, scoreReportIdOf, userSessionIdOf } from './child-ids';
import { currentGrading } from './current-grading';
import { SessionChanges } from './session-changes';
import {
  compact,
  fingerprint,
  isDuplicate,
  saveIfChanged,
} from '../../../platform/mongo/unit-of-work';

/**
 * Commands on the session's child entities (ADR-021). Every write spanning a child and the
 * session writes the child first under an id derived from the session, then the session: a retry
 * after an interruption finds the child and completes the session write, so nothing is lost or
 * written twice without a transaction.
 */
@Injectable()
export class SessionChildren {
  constructor(
    @Inject(LabletSessionRepository) private readonly sessions: LabletSessionRepository,
    @Inject(UserSessionRepository) private readonly userSessions: UserSessionRepository,
    @Inject(GradingSessionRepository) private readonly gradingSessions: GradingSessionRepository,
    @Inject(ScoreReportRepository) private readonly scoreReports: ScoreReportRepository,
    @Inject(SessionChanges) private readonly changes: SessionChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ---- UserSession ----

  /** INSTANTIATING → READY together with the UserSession holding the LDS data (spec §4.1). */
  async markReady(sessionId: string, body: MarkReadyBody, actor: string): Promise<SessionView> {
    const session = await this.sessions.getById(sessionId);
    if (session.status === 'READY') return toSessionView(session.toState());
    assertSessionCan(session, 'READY');
    const { userSession, committed: userCommitted } = await this.ensureUserSession(session, {
      lds_session_id: body.lds_session_id,
      lds_part_id: body.lds_part_id ?? null,
      login_url: body.login_url,
      devices: body.devices,
    });
    const before = fingerprint(session);
    session.markReady({ userSession, cml_lab_id: body.cml_lab_id });
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed], userSessions: compact([userCommitted]) });
    return toSessionView(committed.state);
  }

  /** LC created the LDS session (spec §7.3.2); PROVISIONED when the login URL is already known. */
  async createUserSession(
    sessionId: string,
    body: CreateUserSessionBody,
    actor: string,
  ): Promise<UserSessionView> {
    const session = await this.sessions.getById(sessionId);
    const existing = await this.userSessions.findById(userSessionIdOf(sessionId));
    if (!existing && session.status !== 'INSTANTIATING') {
      throw new ApiError(
        'CONFLICT',
        `session ${sessionId} is ${session.status}; its user session is created while INSTANTIATING`,
      );
    }
    const { userSession, committed } = await this.ensureUserSession(session, {
      lds_session_id: body.lds_session_id,
      lds_part_id: body.lds_part_id ?? null,
      login_url: body.login_url ?? null,
      devices: body.devices,
      form_qualified_name: body.form_qualified_name ?? null,
    });
    await this.changes.record({ actor, userSessions: compact([committed]) });
    return toUserSessionView(userSession.toState());
  }

  async updateUserSessionStatus(
    sessionId: string,
    body: UpdateUserSessionStatusBody,
    actor: string,
  ): Promise<UserSessionView> {
    const session = await this.sessions.getById(sessionId);
    const userSession = await this.userSessions.findById(session.userSessionId ?? userSessionIdOf(sessionId));
    if (!userSession) throw notFound('user session of lablet session', sessionId);
    const before = fingerprint(userSession);
    const state = userSession.toState();
    switch (body.status) {
      case 'PROVISIONING':
        if (userSession.status !== 'PROVISIONING')
          throw new InvalidTransitionError(
            'USER_SESSION',
            userSession.id,
            userSession.status,
            'PROVISIONING',
          );
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
    const committed = await saveIfChanged(this.userSessions, userSession, before);
    await this.changes.record({ actor, userSessions: compact([committed]) });
    return toUserSessionView(committed?.state ?? userSession.toState());
  }

  private async ensureUserSession(
    session: LabletSession,
    data: {
      lds_session_id: string;
      lds_part_id: string | null;
      login_url: string | null;
      devices: MarkReadyBody['devices'];
      form_qualified_name?: string | null;
    },
  ): Promise<{ userSession: UserSession; committed: Committed<UserSessionState> | null }> {
    const id = userSessionIdOf(session.id);
    let userSession = await this.userSessions.findById(id);
    if (!userSession) {
      const created = UserSession.create({ id, lablet_session_id: session.id, ...data }, this.clock);
      try {
        return { userSession: created, committed: await this.userSessions.save(created) };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        userSession = await this.userSessions.getById(id);
      }
    }
    const state = userSession.toState();
    if (state.lds_session_id !== data.lds_session_id) {
      throw new ApiError(
        'CONFLICT',
        `session ${session.id} already has LDS session ${state.lds_session_id}, not ${data.lds_session_id}`,
      );
    }
    const before = fingerprint(userSession);
    if (data.login_url && userSession.status === 'PROVISIONING')
      userSession.markProvisioned({ login_url: data.login_url, devices: data.devices });
    return { userSession, committed: await saveIfChanged(this.userSessions, userSession, before) };
  }

  // ---- GradingSession ----

  /**
   * LC submitted the collected evidence to the GradingEngine (its id comes with the body): the
   * GradingSession is stored as GRADING and the session moves COLLECTING → GRADING, or, during a
   * grading fault hold, the new GradingSession replaces the faulted one (decision 21).
   */
  async createGradingSession(
    sessionId: string,
    body: CreateGradingSessionBody,
    actor: string,
  ): Promise<GradingSessionView> {
    const session = await this.sessions.getById(sessionId);
    const id = gradingSessionIdOf(sessionId, body.grading_session_id);
    let grading = await this.gradingSessions.findById(id);
    if (grading && session.gradingSessionId === id) return toGradingSessionView(grading.toState());
    if (session.status !== 'GRADING') assertSessionCan(session, 'GRADING');
    let gradingCommitted: Committed<GradingSessionState> | null = null;
    if (!grading) {
      const created = GradingSession.create(
        {
          id,
          lablet_session_id: sessionId,
          form_qualified_name: body.form_qualified_name,
          grading_rules_uri: body.grading_rules_uri ?? null,
          devices: body.devices,
        },
        this.clock,
      );
      created.startCollecting();
      created.recordEvidence(
        (body.evidence ?? []).map(({ node_label, kind, content }) => ({ node_label, kind, content })),
      );
      created.submit({
        grading_session_id: body.grading_session_id,
        pod_id: body.pod_id ?? null,
        grading_part_id: body.grading_part_id ?? null,
      });
      try {
        gradingCommitted = await this.gradingSessions.save(created);
        grading = created;
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        grading = await this.gradingSessions.getById(id);
      }
    }
    const before = fingerprint(session);
    if (session.status === 'GRADING') session.retryGrading(grading);
    else session.beginGrading(grading, actor);
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed], gradingSessions: compact([gradingCommitted]) });
    return toGradingSessionView(grading.toState());
  }

  async updateGradingSessionStatus(
    sessionId: string,
    body: UpdateGradingStatusBody,
    actor: string,
  ): Promise<GradingSessionView> {
    const session = await this.sessions.getById(sessionId);
    const grading = await currentGrading(this.gradingSessions, session);
    const gradingBefore = fingerprint(grading);
    const sessionBefore = fingerprint(session);
    switch (body.status) {
      case 'PENDING':
        if (grading.status !== 'PENDING')
          throw new InvalidTransitionError('GRADING_SESSION', grading.id, grading.status, 'PENDING');
        break;
      case 'COLLECTING':
        grading.startCollecting();
        break;
      case 'GRADING': {
        const engineId = grading.toState().grading_session_id;
        if (!engineId)
          throw new ApiError('INVALID_REQUEST', 'the grading session has no GradingEngine id yet');
        grading.submit({
          grading_session_id: engineId,
          pod_id: grading.toState().pod_id,
          grading_part_id: grading.toState().grading_part_id,
        });
        break;
      }
      case 'REVIEWING':
        grading.markReviewing();
        break;
      case 'SUBMITTED':
        grading.markSubmitted();
        break;
      case 'FAULTED': {
        const error = body.error_message ?? 'grading failed';
        // Decision 21: the session holds in GRADING for an operator; the fault is recorded on it too.
        if (session.status === 'GRADING' && session.gradingSessionId === grading.id)
          session.recordGradingFailure(grading, error);
        else grading.fault(error);
        break;
      }
    }
    const gradingCommitted = await saveIfChanged(this.gradingSessions, grading, gradingBefore);
    const sessionCommitted = await saveIfChanged(this.sessions, session, sessionBefore);
    await this.changes.record({
      actor,
      sessions: compact([sessionCommitted]),
      gradingSessions: compact([gradingCommitted]),
    });
    return toGradingSessionView(gradingCommitted?.state ?? grading.toState());
  }

  // ---- ScoreReport ----

  /** Stores the score of the current GradingSession and sets grade_result; a repeat returns the stored report. */
  async createScoreReport(
    sessionId: string,
    body: CreateScoreReportBody,
    actor: string,
  ): Promise<ScoreReportView> {
    const session = await this.sessions.getById(sessionId);
    const id = scoreReportIdOf(sessionId);
    const stored = await this.scoreReports.findStateById(id);
    if (stored && session.toState().score_report_id === id) return toScoreReportView(stored);
    if (session.status !== 'GRADING')
      throw new InvalidTransitionError('SESSION', sessionId, session.status, 'GRADING');
    const gradingSessionId = session.gradingSessionId;
    if (!gradingSessionId)
      throw new ApiError('CONFLICT', `session ${sessionId} has no grading session to score`);
    const state = session.toState();
    let report = stored ? ScoreReport.fromState(stored, this.clock) : null;
    let reportCommitted = null;
    if (!report) {
      const created = ScoreReport.create(
        {
          id,
          lablet_session_id: sessionId,
          grading_session_id: gradingSessionId,
          score: body.score,
          max_score: body.max_score,
          cut_score: body.cut_score ?? null,
          passed: body.passed ?? null,
          sections: body.sections,
          submitted_at: body.submitted_at ?? null,
        },
        this.clock,
      );
      try {
        reportCommitted = await this.scoreReports.insertWithExtras(created, {
          definition_id: state.definition_id,
          owner: state.owner,
          generation: body.generation ?? null,
          revision: body.revision ?? null,
        });
        report = created;
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        report = await this.scoreReports.getById(id);
      }
    }
    const before = fingerprint(session);
    session.recordScore(report);
    const committed = (await saveIfChanged(this.sessions, session, before)) ?? {
      state: session.toState(),
      events: [],
    };
    await this.changes.record({ actor, sessions: [committed], scoreReports: compact([reportCommitted]) });
    const view = await this.scoreReports.findStateById(id);
    return toScoreReportView(view ?? report.toState());
  }
}

function assertSessionCan(session: LabletSession, target: 'READY' | 'GRADING'): void {
  if (!canTransition(LABLET_SESSION_MACHINE, session.status, target))
    throw new InvalidTransitionError('SESSION', session.id, session.status, target);
}
