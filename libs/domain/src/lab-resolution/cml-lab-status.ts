import type { LabRecordStatus } from '@lcm/contracts';

/**
 * Spec §4.2: CML lab states in LCM's vocabulary (DEFINED_ON_CORE → DEFINED, STARTED/BOOTED →
 * BOOTED, STOPPED, QUEUED); a state LCM does not know reads as DEFINED.
 */
export function labStatusFromCml(state: string): LabRecordStatus {
  switch (state) {
    case 'STARTED':
    case 'BOOTED':
      return 'BOOTED';
    case 'STOPPED':
      return 'STOPPED';
    case 'QUEUED':
      return 'QUEUED';
    default:
      return 'DEFINED';
  }
}
