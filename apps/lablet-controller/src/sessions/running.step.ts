import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { loadDefinition, msUntil, type SessionStep, timeslotOver, transitionSession } from './session-step';

/** Decision 19: at timeslot end a RUNNING session is collected and graded (graded definition) or stopped. */
export const runningStep: SessionStep = async (context) => {
  if (!timeslotOver(context)) return requeueAfter(msUntil(context, context.session.timeslot_end), 'running until the timeslot ends');
  const graded = (await loadDefinition(context)).grading_rules_uri !== null;
  await transitionSession(context, graded ? 'COLLECTING' : 'STOPPING', 'timeslot_ended');
  return done();
};
