import type { GradingStatus, UserSessionStatus } from '@lcm/contracts';
import {
  type Clock,
  GradingSession,
  type GradingSessionStateInput,
  type LabletSession,
  ScoreReport,
  type ScoreReportStateInput,
  UserSession,
  type UserSessionStateInput,
} from '@lcm/domain';
import { StateBuilder, nextTestId } from './state-builder';

const sessionIdOf = (session: LabletSession | string): string => (typeof session === 'string' ? session : session.id);

export class UserSessionBuilder extends StateBuilder<UserSessionStateInput, UserSession> {
  inState(status: UserSessionStatus): this {
    return this.with({ status });
  }

  forSession(session: LabletSession | string): this {
    return this.with({ lablet_session_id: sessionIdOf(session) });
  }

  protected defaults(at: string): UserSessionStateInput {
    const id = nextTestId('user-session');
    return {
      id,
      version: 1,
      created_at: at,
      updated_at: at,
      lablet_session_id: 'session-default',
      lds_session_id: `lds-${id}`,
      login_url: `https://lds.example.com/launch/${id}`,
      status: 'PROVISIONED',
    };
  }

  protected reconstitute(state: UserSessionStateInput, clock: Clock): UserSession {
    return UserSession.fromState(state, clock);
  }
}

export class GradingSessionBuilder extends StateBuilder<GradingSessionStateInput, GradingSession> {
  inState(status: GradingStatus): this {
    return this.with({ status });
  }

  forSession(session: LabletSession | string): this {
    return this.with({ lablet_session_id: sessionIdOf(session) });
  }

  protected defaults(at: string): GradingSessionStateInput {
    const id = nextTestId('grading');
    return { id, version: 1, created_at: at, updated_at: at, lablet_session_id: 'session-default', status: 'PENDING' };
  }

  protected reconstitute(state: GradingSessionStateInput, clock: Clock): GradingSession {
    return GradingSession.fromState(state, clock);
  }
}

export class ScoreReportBuilder extends StateBuilder<ScoreReportStateInput, ScoreReport> {
  forSession(session: LabletSession | string): this {
    return this.with({ lablet_session_id: sessionIdOf(session) });
  }

  scoring(score: number, maxScore: number, passed: boolean | null): this {
    return this.with({ score, max_score: maxScore, passed });
  }

  protected defaults(at: string): ScoreReportStateInput {
    const id = nextTestId('score');
    return { id, version: 1, created_at: at, updated_at: at, lablet_session_id: 'session-default', grading_session_id: 'grading-default', score: 80, max_score: 100, passed: true };
  }

  protected reconstitute(state: ScoreReportStateInput, clock: Clock): ScoreReport {
    return ScoreReport.fromState(state, clock);
  }
}

export const aUserSession = (): UserSessionBuilder => new UserSessionBuilder();
export const aGradingSession = (): GradingSessionBuilder => new GradingSessionBuilder();
export const aScoreReport = (): ScoreReportBuilder => new ScoreReportBuilder();
