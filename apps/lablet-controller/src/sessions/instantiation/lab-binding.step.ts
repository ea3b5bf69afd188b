import {
  type InstantiationContext,
  type InstantiationStep,
  progressOf,
  resultOf,
  type StepOutcome,
  writeCarryingProgress,
} from './instantiation-step';

/** Decision 2 and 20: the session is linked to its lab; reuse gives it the lab's ports. */
export const labBindingStep: InstantiationStep = {
  name: 'lab_binding',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const labRecordId = resultOf<string>(context, 'lab_resolve', 'lab_record_id');
    if (context.session.lab_record_id === labRecordId)
      return {
        kind: 'completed',
        data: { lab_record_id: labRecordId, cml_lab_id: context.session.cml_lab_id },
      };
    // The CML id comes from the import, or for a reused lab from its record.
    const imported = progressOf(context, 'lab_import')?.result_data?.['cml_lab_id'];
    const cmlLabId =
      typeof imported === 'string' ? imported : resultOf<string>(context, 'lab_resolve', 'cml_lab_id');
    // The link records the steps that led to it and itself: a rerun after it starts at lab_start.
    const data = { lab_record_id: labRecordId, cml_lab_id: cmlLabId };
    await writeCarryingProgress(
      context,
      (progress) =>
        context.cpa.sessions.updateSessionLab({
          params: { lablet_session_id: context.session.id },
          body: {
            lab_record_id: labRecordId,
            cml_lab_id: cmlLabId,
            // A cold import is reported here: the record becomes DEFINED with its CML id in this write.
            ...(resultOf<string>(context, 'lab_resolve', 'mode') === 'import'
              ? { imported: true as const }
              : {}),
            ...progress,
          },
        }),
      { step: 'lab_binding', data },
    );
    return { kind: 'completed', data };
  },
};
