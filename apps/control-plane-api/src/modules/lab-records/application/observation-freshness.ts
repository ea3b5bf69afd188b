import { type LabRecordState } from '@lcm/domain';

/** R6: an observation made before the record's last change never overwrites it. */
export function isStaleObservation(state: LabRecordState, observedAt: string): boolean {
  return Date.parse(observedAt) < Date.parse(state.updated_at);
}
