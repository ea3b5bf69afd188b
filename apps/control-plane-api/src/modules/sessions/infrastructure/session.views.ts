import {
  GradingSession as GradingSessionView,
  LabletSession as LabletSessionView,
  ScoreReport as ScoreReportView,
  UserSession as UserSessionView,
} from '@lcm/contracts';
import {
  type GradingSessionState,
  type LabletSessionState,
  type ScoreReportState,
  type UserSessionState,
} from '@lcm/domain';
import { sessionConditions } from './session-conditions';

/*
 * Read models of the sessions context: the persisted domain state mapped onto the contract
 * schemas (which also strip internal fields such as grading_error), so every response and SSE
 * payload is exactly what @lcm/contracts promises.
 */

export type SessionView = LabletSessionView;

/**
 * Views already built, by the state object they describe: a committed state is not changed after
 * its save returns it, and one batch placement describes each of its sessions twice (the SSE event
 * and the answer), at a schema parse each (docs/bench/placement.md).
 */
const sessionViews = new WeakMap<LabletSessionState, LabletSessionView>();

export function toSessionView(state: LabletSessionState): LabletSessionView {
  let view = sessionViews.get(state);
  if (!view) {
    view = LabletSessionView.parse({ ...state, conditions: sessionConditions(state) });
    sessionViews.set(state, view);
  }
  return view;
}

export function toUserSessionView(state: UserSessionState): UserSessionView {
  return UserSessionView.parse(state);
}

export function toGradingSessionView(state: GradingSessionState): GradingSessionView {
  return GradingSessionView.parse(state);
}

/** Fields stored beside a score report (copied from its session and the engine) for filtering and ordering. */
export interface ScoreReportExtras {
  definition_id: string;
  owner: string;
  generation: number | null;
  revision: number | null;
}

export function toScoreReportView(state: ScoreReportState & Partial<ScoreReportExtras>): ScoreReportView {
  return ScoreReportView.parse({
    ...state,
    generation: state.generation ?? null,
    revision: state.revision ?? null,
  });
}
