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
    const record = await context.cpa.labs.get({ params: { lab_record_id: labRecordId } });
    if ((await context.cml.getLabState(labId)) !== 'STARTED') {
      await context.cml.startLab(labId);
      await reportLabStatus(context, record, 'STARTING');
    }
    if (!(await context.cml.isLabConverged(labId))) return { kind: 'wait', afterMs: context.settings.labPollIntervalMs, reason: 'lab is booting' };
    await reportLabStatus(context, await context.cpa.labs.get({ params: { lab_record_id: labRecordId } }), 'BOOTED');
    return { kind: 'completed', data: { cml_lab_id: labId } };
  },
};
