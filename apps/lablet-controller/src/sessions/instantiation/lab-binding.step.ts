import { type InstantiationContext, type InstantiationStep, resultOf, type StepOutcome } from './instantiation-step';

/** Decision 2 and 20: the session is linked to its lab; reuse gives it the lab's ports. */
export const labBindingStep: InstantiationStep = {
  name: 'lab_binding',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const labRecordId = resultOf<string>(context, 'lab_resolve', 'lab_record_id');
    if (context.session.lab_record_id !== labRecordId) {
      const record = await context.cpa.labs.get({ params: { lab_record_id: labRecordId } });
      context.session = await context.cpa.sessions.updateSessionLab({
        params: { lablet_session_id: context.session.id },
        body: { lab_record_id: labRecordId, cml_lab_id: record.runtime_binding.lab_id },
      });
    }
    return { kind: 'completed', data: { lab_record_id: labRecordId, cml_lab_id: context.session.cml_lab_id } };
  },
};
