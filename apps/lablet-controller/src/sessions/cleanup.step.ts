import { isNotFound } from '@lcm/integrations/http';
import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { teardownLab } from '../labs/lab-operations';
import { progressOf } from './instantiation/instantiation-step';
import { type SessionStep, type SessionStepContext } from './session-step';

const GONE_LAB_STATUSES = ['DELETED', 'ARCHIVED', 'ORPHANED'];

/** Archives the LDS session (LDS wants a `{}` body, which the adapter sends); one LDS no longer knows is done. */
async function archiveLdsSession(context: SessionStepContext): Promise<void> {
  const provisioned = progressOf(context, 'lds_provision')?.result_data;
  const ldsSessionId = provisioned?.['lds_session_id'] as string | undefined;
  if (!ldsSessionId) return;
  try {
    await context.systems.lds.forRegion(provisioned?.['region'] as string | undefined).client.releaseSession(ldsSessionId);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * TERMINATED with cleanup pending: archive the LDS session, make sure the session's lab (bound,
 * or only registered when it ended mid-instantiation) is stopped and wiped, record cleanup done.
 * A lab on a worker that is no longer running is left to the worker's own cascade.
 */
export const cleanupStep: SessionStep = async (context) => {
  const { session, cpa } = context;
  if (session.cleanup_completed_at) return done();
  await archiveLdsSession(context);
  const labRecordId = session.lab_record_id ?? (progressOf(context, 'lab_resolve')?.result_data?.['lab_record_id'] as string | undefined);
  if (labRecordId && session.worker_id) {
    const [lab, worker] = await Promise.all([
      cpa.labs.get({ params: { lab_record_id: labRecordId } }),
      cpa.workers.get({ params: { worker_id: session.worker_id } }),
    ]);
    if (!GONE_LAB_STATUSES.includes(lab.status) && worker.status === 'RUNNING') {
      const progress = await teardownLab(context, context.systems.cml(worker), lab, 'WIPED');
      if (progress === 'waiting') return requeueAfter(context.settings.labPollIntervalMs, 'wiping the lab of a terminated session');
    }
  }
  await cpa.sessions.markCleanupCompleted({ params: { lablet_session_id: session.id } });
  return done();
};
