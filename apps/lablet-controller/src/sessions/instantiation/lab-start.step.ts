import { setTimeout as sleep } from 'node:timers/promises';
import { reportLabStatus } from '../../labs/lab-operations';
import { type InstantiationContext, type InstantiationStep, type StepOutcome } from './instantiation-step';

/** The first look at a started lab after the immediate one; each later look waits twice as long. */
const FIRST_BOOT_RECHECK_MS = 25;

const boundLab = (context: InstantiationContext) => {
  const { lab_record_id: labRecordId, cml_lab_id: labId } = context.session;
  if (!labRecordId || !labId) throw new Error(`session ${context.session.id} has no lab bound`);
  return { labRecordId, labId };
};

/**
 * Whether every node BOOTED within `labBootWatchMs`, looking at once and then at growing intervals:
 * a boot that takes milliseconds goes on in this reconcile, while a slow one is left to the
 * requeue (a new reconcile re-reads the session, worker and definition first).
 */
async function bootsWithinWatch(context: InstantiationContext, labId: string): Promise<boolean> {
  if (await context.cml.isLabConverged(labId)) return true;
  let watched = 0;
  for (let delay = FIRST_BOOT_RECHECK_MS; watched + delay <= context.settings.labBootWatchMs; delay *= 2) {
    await sleep(delay);
    watched += delay;
    if (await context.cml.isLabConverged(labId)) return true;
  }
  return false;
}

/** Spec §7.3 (c): start the lab and wait (briefly here, then by requeueing) until every node BOOTED. */
export const labStartStep: InstantiationStep = {
  name: 'lab_start',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const { labRecordId, labId } = boundLab(context);
    const startedNow = (await context.cml.getLabState(labId)) !== 'STARTED';
    if (startedNow) await context.cml.startLab(labId);
    if (!(await bootsWithinWatch(context, labId))) {
      // STARTING is only worth a write when the boot takes a while; a fast boot goes straight to BOOTED.
      if (startedNow) await reportLabStatus(context, { id: labRecordId }, 'STARTING');
      return { kind: 'wait', afterMs: context.settings.labPollIntervalMs, reason: 'lab is booting' };
    }
    // Only the lab record waits for this report: device access and LDS go on meanwhile.
    return {
      kind: 'completed',
      data: { cml_lab_id: labId },
      settling: reportLabStatus(context, { id: labRecordId }, 'BOOTED'),
    };
  },
};
