import { replacePortPlaceholders } from '@lcm/domain';
import {
  type InstantiationContext,
  type InstantiationStep,
  resultOf,
  type StepOutcome,
} from './instantiation-step';

/**
 * Spec §7.3 (b): imports the definition's topology with the session's ports in place of the
 * `${PORT_<NAME>}` placeholders into the registered record. CML import is not idempotent, so a
 * lab with the record's title (left by a crash after the import) is taken instead of a second one;
 * until the lab link reports it, the record stays IMPORTING and that title is how it is found.
 */
export const labImportStep: InstantiationStep = {
  name: 'lab_import',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    if (resultOf<string>(context, 'lab_resolve', 'mode') !== 'import') return { kind: 'skipped' };
    const labRecordId = resultOf<string>(context, 'lab_resolve', 'lab_record_id');
    // Registered earlier in this reconcile: nothing else writes an IMPORTING record of a session.
    const created = context.loaded?.createdLab;
    const record =
      created?.id === labRecordId
        ? created
        : await context.cpa.labs.get({ params: { lab_record_id: labRecordId } });
    if (record.status !== 'IMPORTING')
      return { kind: 'completed', data: { cml_lab_id: record.runtime_binding.lab_id } };
    const existing = (await context.cml.listLabs()).find((lab) => lab.lab_title === record.title);
    const labId =
      existing?.id ??
      (
        await context.cml.importLab(
          replacePortPlaceholders(context.definition.topology_yaml, context.session.allocated_ports),
          { title: record.title },
        )
      ).id;
    // The lab link reports the import (DEFINED with the CML id) in its own write.
    return { kind: 'completed', data: { cml_lab_id: labId } };
  },
};
