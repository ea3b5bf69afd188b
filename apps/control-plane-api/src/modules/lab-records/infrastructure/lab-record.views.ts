import { LabRecord as LabRecordView, LabRecordSummary } from '@lcm/contracts';
import { type LabRecordState } from '@lcm/domain';

/*
 * Read models of the lab-records context: persisted state mapped onto the contract schemas.
 * The contract's status history names the changed fields; the domain only records status
 * changes, so every entry changed exactly `status`.
 */

export function toLabRecordView(state: LabRecordState): LabRecordView {
  return LabRecordView.parse({
    ...state,
    status_history: state.status_history.map((entry) => ({ ...entry, changed_fields: ['status'] })),
  });
}

export function toLabRecordSummary(state: LabRecordState): LabRecordSummary {
  return LabRecordSummary.parse(state);
}
