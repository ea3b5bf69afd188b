import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { instantiatingStep } from './instantiation/instantiation.pipeline';
import { labsOfDefinition } from './instantiation/lab-resolve.step';
import { loadDefinition, loadWorker, msUntil, type SessionStep, timeslotOver } from './session-step';

/**
 * SCHEDULED → INSTANTIATING once the timeslot is within the instantiation lead (at once without
 * a timeslot) and the worker is RUNNING; a timeslot that ended first expires it (`timeslot_missed`).
 */
export const scheduledStep: SessionStep = async (context) => {
  const { session, cpa } = context;
  if (timeslotOver(context)) {
    await cpa.sessions.expire({
      params: { lablet_session_id: session.id },
      body: { reason: 'timeslot_missed' },
    });
    return done();
  }
  let untilLead = 0;
  if (session.timeslot_start !== null) {
    // A definition may ask for its own lead (boot_lead_time_minutes); null means the service default.
    const ownLead = (await loadDefinition(context)).boot_lead_time_minutes;
    untilLead =
      msUntil(context, session.timeslot_start) -
      (ownLead === null ? context.settings.instantiationLeadMs : ownLead * 60_000);
  }
  if (untilLead > 0) return requeueAfter(untilLead, 'waiting for the instantiation lead');
  // The definition is read with the worker (not after the transition) since the pipeline needs both.
  const [worker] = await Promise.all([loadWorker(context), loadDefinition(context)]);
  if (worker.status !== 'RUNNING')
    return requeueAfter(context.settings.labPollIntervalMs, `worker is ${worker.status}`);
  // The answer is the INSTANTIATING session: the pipeline starts in this reconcile with it and the
  // worker and definition already read, instead of waiting for the status key to trigger a new one.
  // lab_resolve's first read, the labs of the definition on the worker, goes along with the start.
  const labs = labsOfDefinition(context, worker.id);
  labs.catch(() => undefined); // awaited (and its failure met) by lab_resolve
  (context.loaded ??= {}).labsOfDefinition = labs;
  context.session = await cpa.sessions.startInstantiation({ params: { lablet_session_id: session.id } });
  return instantiatingStep(context);
};
