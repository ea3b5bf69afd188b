import { reportLabStatus } from '../../labs/lab-operations';
import { type InstantiationContext, type InstantiationStep, type StepOutcome } from './instantiation-step';

const boundLab = (context: InstantiationContext) => {
  const { lab_record_id: labRecordId, cml_lab_id: labId } = context.session;
  if (!labRecordId || !labId) throw new Error(`session ${context.session.id} has no lab bound`);
  return { labRecordId, labId };
};

/** Spec §7.3 (c): start the lab and wait (by requeueing, never blocking) until every node BOOTED. */
export const labStartStep: InstantiationStep = {
  name: 'lab_start',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const { labRecordId, labId } = boundLab(context);
    const started = (await context.cml.getLabState(labId)) !== 'STARTED';
    if (started) await context.cml.startLab(labId);
    if (!(await context.cml.isLabConverged(labId))) {
      // STARTING is only worth a write when the boot takes a while; a fast boot goes straight to BOOTED.
      if (started) await reportLabStatus(context, { id: labRecordId }, 'STARTING');
      return { kind: 'wait', afterMs: context.settings.labPollIntervalMs, reason: 'lab is booting' };
    }
    await reportLabStatus(context, { id: labRecordId }, 'BOOTED');
    return { kind: 'completed', data: { cml_lab_id: labId } };
  },
};
