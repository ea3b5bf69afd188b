import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { msUntil, type SessionStep, timeslotOver } from './session-step';

/** READY waits for the LDS login event or a manual start; a timeslot that ends first is a no-show. */
export const readyStep: SessionStep = async (context) => {
  if (!timeslotOver(context)) return requeueAfter(msUntil(context, context.session.timeslot_end), 'waiting for the login until the timeslot ends');
  await context.cpa.sessions.expire({ params: { lablet_session_id: context.session.id }, body: { reason: 'no_show' } });
  return done();
};
