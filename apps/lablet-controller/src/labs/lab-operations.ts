import { type LabRecord, type LabRecordStatus } from '@lcm/contracts';
import { type ControlPlane, isConflictError } from '@lcm/cpa-client';
import { type Clock } from '@lcm/domain';
import { type CmlPort } from '@lcm/integrations/cml';
import { isNotFound } from '@lcm/integrations/http';
import { type Logger } from '@lcm/observability';

export interface LabOperationsContext {
  cpa: ControlPlane;
  clock: Clock;
  log: Logger;
}

/**
 * Reports what the controller saw a lab become. A 409 refusing the transition means the record has
 * already moved on (a scan or another step reported a later status): the observation is stale and
 * dropped. A 409 VERSION_CONFLICT only means another write won the race: the report is thrown so
 * the reconcile runs again, since dropping it left an import's record on its placeholder lab id.
 */
export async function reportLabStatus(
  context: LabOperationsContext,
  lab: Pick<LabRecord, 'id'> & { status?: LabRecordStatus },
  status: LabRecordStatus,
  extra: { lab_id?: string; error_message?: string } = {},
): Promise<LabRecord | null> {
  // Without a known current status the report is sent anyway: repeating a status is a no-op there.
  if (lab.status === status && !extra.lab_id) return null;
  try {
    return await context.cpa.labs.updateStatus({
      params: { lab_record_id: lab.id },
      body: { status, observed_at: context.clock.now().toISOString(), ...extra },
    });
  } catch (error) {
    if (!isConflictError(error) || error.isVersionConflict) throw error;
    context.log.info(
      { lab_record_id: lab.id, from: lab.status, to: status, detail: error.message },
      'lab status report refused; the record moved on',
    );
    return null;
  }
}

/**
 * An IMPORTING record whose CML import happened but was never reported (the lab link reports it)
 * is first pointed at that lab, found by the record's title as lab_import finds it, so a teardown
 * reaches the lab instead of the record's placeholder id.
 */
export async function withReportedImport(
  context: LabOperationsContext,
  cml: CmlPort,
  record: LabRecord,
): Promise<LabRecord> {
  if (record.status !== 'IMPORTING') return record;
  const imported = (await cml.listLabs()).find((candidate) => candidate.lab_title === record.title);
  if (!imported) return record;
  return (
    (await reportLabStatus(context, record, 'DEFINED', { lab_id: imported.id })) ??
    (await context.cpa.labs.get({ params: { lab_record_id: record.id } }))
  );
}

/** Where a teardown stands: finished, waiting for CML to finish a stop or wipe, or the lab is gone from CML. */
export type TeardownProgress = 'done' | 'waiting' | 'gone';

export type TeardownTarget = 'STOPPED' | 'WIPED' | 'DELETED';

export interface TeardownOptions {
  /** Report the final status through the lab status route; false when a pending action's completion reports it. */
  reportFinal?: boolean;
}

const RUNNING_STATES = new Set(['STARTED', 'QUEUED', 'BOOTED']);
const WIPE_REPORTABLE = new Set(['BOOTED', 'STOPPED', 'WIPING']);

/**
 * Brings a lab down to `target` on CML (stop → wipe → delete, spec §7.3 STOPPING and §7.3.3),
 * reporting each status reached. CML stops and wipes asynchronously (at once on a fast
 * controller), so after a command the state is read again and a command that has not taken effect
 * yet returns 'waiting' for the caller to requeue. Safe to repeat at any point.
 */
export async function teardownLab(
  context: LabOperationsContext,
  cml: CmlPort,
  lab: LabRecord,
  target: TeardownTarget,
  options: TeardownOptions = {},
): Promise<TeardownProgress> {
  const reportFinal = options.reportFinal ?? true;
  const labId = lab.runtime_binding.lab_id;
  let current: Pick<LabRecord, 'id' | 'status'> = lab;
  const report = async (status: LabRecordStatus, extra: { error_message?: string } = {}) => {
    current = (await reportLabStatus(context, current, status, extra)) ?? current;
  };
  let issued: 'stop' | 'wipe' | null = null;
  for (;;) {
    let state: string;
    try {
      state = await cml.getLabState(labId);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (target === 'DELETED' && reportFinal) {
        // An import that never reached CML: its record goes through ERROR (IMPORTING cannot be DELETED directly).
        if (current.status === 'IMPORTING')
          await report('ERROR', { error_message: 'the import never reached CML' });
        await report('DELETED');
      }
      return 'gone';
    }
    if (RUNNING_STATES.has(state)) {
      if (issued === 'stop') return 'waiting';
      await cml.stopLab(labId);
      issued = 'stop';
      continue;
    }
    if (state === 'STOPPED') {
      if (target !== 'STOPPED' || reportFinal) await report('STOPPED');
      if (target === 'STOPPED') return 'done';
      if (issued === 'wipe') return 'waiting';
      await cml.wipeLab(labId);
      issued = 'wipe';
      continue;
    }
    // DEFINED_ON_CORE: nothing runs and no disk state is left.
    if (target === 'STOPPED') return 'done';
    if (WIPE_REPORTABLE.has(current.status) && (target === 'DELETED' || reportFinal)) await report('WIPED');
    if (target === 'WIPED') return 'done';
    await cml.deleteLab(labId);
    if (reportFinal) {
      if (current.status === 'IMPORTING')
        await report('ERROR', { error_message: 'import abandoned; lab deleted' });
      await report('DELETED');
    }
    return 'done';
  }
}
