import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { enteredCurrentStatusAt, msUntil, type SessionStep, transitionSession } from './session-step';

/** Decision 3: a STOPPED session is archived after the retention. */
export const stoppedStep: SessionStep = async (context) => {
  const left = msUntil(context, enteredCurrentStatusAt(context.session)) + context.settings.retentionMs;
  if (left > 0) return requeueAfter(left, 'retention before archiving');
  await transitionSession(context, 'ARCHIVED', 'retention_elapsed');
  return done();
};

/** ARCHIVED → TERMINATED; the cleanup of the terminated session follows (cleanup.step.ts). */
export const archivedStep: SessionStep = async (context) => {
  await transitionSession(context, 'TERMINATED', 'archived');
  return done();
};

/** Decision 19: an expired session with a lab tears it down (STOPPING); one without goes to TERMINATED. */
export const expiredStep: SessionStep = async (context) => {
  await transitionSession(context, context.session.lab_record_id ? 'STOPPING' : 'TERMINATED', `expired_${context.session.expiry_reason ?? 'timeslot'}`);
  return done();
};
