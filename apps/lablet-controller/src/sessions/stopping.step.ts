import { isConflictError, isNotFoundError } from '@lcm/cpa-client';
import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { teardownLab } from '../labs/lab-operations';
import { loadWorker, type SessionStep, type SessionStepContext, transitionSession } from './session-step';

/** The candidate's LDS part is over; a user session already ended (or never started) stays as it is. */
async function endUserSession(context: SessionStepContext): Promise<void> {
  if (!context.session.user_session_id) return;
  try {
    await context.cpa.children.updateUserSessionStatus({
      params: { lablet_session_id: context.session.id },
      body: { status: 'ENDED', occurred_at: context.clock.now().toISOString() },
    });
  } catch (error) {
    if (!isConflictError(error) && !isNotFoundError(error)) throw error;
  }
}

/**
 * STOPPING → STOPPED: the lab is stopped and wiped and kept for reuse (never deleted here), the
 * LDS session ended, the run recorded on the lab; the control plane then releases capacity.
 */
export const stoppingStep: SessionStep = async (context) => {
  const { session, cpa } = context;
  if (session.lab_record_id) {
    const lab = await cpa.labs.get({ params: { lab_record_id: session.lab_record_id } });
    if (!['DELETED', 'ARCHIVED', 'ORPHANED'].includes(lab.status)) {
      const progress = await teardownLab(context, context.systems.cml(await loadWorker(context)), lab, 'WIPED');
      if (progress === 'waiting') return requeueAfter(context.settings.labPollIntervalMs, 'stopping and wiping the lab');
    }
    const recorded = lab.run_history.some((run) => run.lablet_session_id === session.id && run.stopped_at !== null);
    if (!recorded)
      await cpa.labs.recordRun({
        params: { lab_record_id: lab.id },
        body: {
          lablet_session_id: session.id,
          ...(session.started_at ? { started_at: session.started_at } : {}),
          stopped_at: context.clock.now().toISOString(),
          started_by: 'lablet-controller',
          stop_reason: session.status_history.at(-1)?.reason ?? 'session_stopped',
          final_state: 'WIPED',
        },
      });
  }
  await endUserSession(context);
  await transitionSession(context, 'STOPPED', 'lab_stopped_and_wiped');
  return done();
};
