import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { type SessionStep, transitionSession } from './session-step';

/**
 * GRADING waits for the grading event. Decision 21: after a grading failure the session is held
 * for an operator for the fault hold, then moves on to STOPPING with no grade.
 */
export const gradingStep: SessionStep = async (context) => {
  const fault = context.session.conditions.find((condition) => condition.type === 'GradingSubmitted' && condition.reason === 'GradingFaulted');
  if (!fault) return done();
  const holdLeft = Date.parse(fault.last_transition_time) + context.settings.gradingFaultHoldMs - context.clock.now().getTime();
  if (holdLeft > 0) return requeueAfter(holdLeft, 'grading fault hold for an operator');
  await transitionSession(context, 'STOPPING', `grading_failed: ${fault.message}`.slice(0, 1000));
  return done();
};
