import { type CmlWorker, type LabRecord } from '@lcm/contracts';
import { isNotFound } from '@lcm/integrations/http';
import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { teardownLab, withReportedImport } from '../labs/lab-operations';
import { progressOf } from './instantiation/instantiation-step';
import { importTitle } from './instantiation/lab-resolve.step';
import { type SessionStep, type SessionStepContext } from './session-step';

const GONE_LAB_STATUSES = ['DELETED', 'ARCHIVED', 'ORPHANED'];

/** Archives the LDS session (LDS wants a `{}` body, which the adapter sends); one LDS no longer knows is done. */
async function archiveLdsSession(context: SessionStepContext): Promise<void> {
  const provisioned = progressOf(context, 'lds_provision')?.result_data;
  const ldsSessionId = provisioned?.['lds_session_id'] as string | undefined;
  if (!ldsSessionId) return;
  try {
    await context.systems.lds
      .forRegion(provisioned?.['region'] as string | undefined)
      .client.releaseSession(ldsSessionId);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * The cold import registered for this session but never bound to it (the session ended between
 * the registration and the binding). The progress names it, unless the controller died before
 * recording it; otherwise the record is found by the session: lab_resolve registers it attached to
 * the session and titled with the session id, and the title stays once the control plane lets the
 * record go at the terminate (apps/control-plane-api sessions' SessionResourceRelease).
 */
async function unboundImport(context: SessionStepContext): Promise<LabRecord | null> {
  const { session, cpa } = context;
  const resolved = progressOf(context, 'lab_resolve')?.result_data;
  if (typeof resolved?.['lab_record_id'] === 'string') {
    if (resolved['mode'] !== 'import') return null;
    return cpa.labs.get({ params: { lab_record_id: resolved['lab_record_id'] } });
  }
  if (!session.worker_id) return null;
  const page = await cpa.labs.list({
    query: { worker_id: session.worker_id, based_on_definition_id: session.definition_id, limit: 200 },
  });
  const title = importTitle(session.definition_name, session.id);
  return (
    page.items.find(
      (lab) =>
        (lab.active_lablet_session_id === session.id || lab.title === title) &&
        !GONE_LAB_STATUSES.includes(lab.status),
    ) ?? null
  );
}

/**
 * Spec §7.3 (retries spent: a freshly imported lab is deleted) applied to an import its session
 * never bound: nobody else may take it, and a kept record would stay attached to a terminated
 * session for ever. An import never reported is found by its title first, so the lab is deleted too.
 */
async function deleteUnboundImport(
  context: SessionStepContext,
  worker: CmlWorker,
  record: LabRecord,
): Promise<'done' | 'waiting'> {
  const cml = context.systems.cml(worker);
  const lab = await withReportedImport(context, cml, record);
  return (await teardownLab(context, cml, lab, 'DELETED')) === 'waiting' ? 'waiting' : 'done';
}

/**
 * TERMINATED with cleanup pending: archive the LDS session, make sure the session's lab is
 * stopped and wiped (a bound lab, kept for reuse) or deleted (an import registered for the session
 * but never bound), record cleanup done. A lab on a worker that is no longer running is left to
 * the worker's own cascade.
 */
export const cleanupStep: SessionStep = async (context) => {
  const { session, cpa } = context;
  if (session.cleanup_completed_at) return done();
  await archiveLdsSession(context);
  const worker = session.worker_id
    ? await cpa.workers.get({ params: { worker_id: session.worker_id } })
    : null;
  if (worker?.status === 'RUNNING') {
    if (session.lab_record_id) {
      const lab = await cpa.labs.get({ params: { lab_record_id: session.lab_record_id } });
      if (!GONE_LAB_STATUSES.includes(lab.status)) {
        const progress = await teardownLab(context, context.systems.cml(worker), lab, 'WIPED');
        if (progress === 'waiting')
          return requeueAfter(context.settings.labPollIntervalMs, 'wiping the lab of a terminated session');
      }
    } else {
      const record = await unboundImport(context);
      if (
        record &&
        !GONE_LAB_STATUSES.includes(record.status) &&
        (await deleteUnboundImport(context, worker, record)) === 'waiting'
      )
        return requeueAfter(
          context.settings.labPollIntervalMs,
          'deleting the unbound import of a terminated session',
        );
    }
  }
  await cpa.sessions.markCleanupCompleted({ params: { lablet_session_id: session.id } });
  return done();
};
