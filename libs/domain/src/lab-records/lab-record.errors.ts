import type { LabPendingAction, LabRecordStatus } from '@lcm/contracts';
import { DomainError } from '../shared/domain-error';

/** 409: another start/stop/wipe/delete is still waiting for LC. */
export class LabActionPendingError extends DomainError {
  readonly code = 'LAB_RECORD.ACTION_PENDING' as const;

  constructor(labRecordId: string, pending: LabPendingAction, requested: string) {
    super(`lab record ${labRecordId} has pending action ${pending}; ${requested} refused`, {
      labRecordId,
      pending,
      requested,
    });
  }
}

/** 400: a completion or failure report without a pending action. */
export class NoPendingActionError extends DomainError {
  readonly code = 'LAB_RECORD.NO_PENDING_ACTION' as const;

  constructor(labRecordId: string) {
    super(`lab record ${labRecordId} has no pending action`, { labRecordId });
  }
}

/** 400: DELETED and ARCHIVED records take no requests. */
export class LabRecordTerminalError extends DomainError {
  readonly code = 'LAB_RECORD.TERMINAL' as const;

  constructor(labRecordId: string, status: LabRecordStatus) {
    super(`lab record ${labRecordId} is ${status}`, { labRecordId, status });
  }
}

/** 409: only an import still waiting for CML learns its CML lab id; afterwards the binding is fixed. */
export class LabIdFixedError extends DomainError {
  readonly code = 'LAB_RECORD.LAB_ID_FIXED' as const;

  constructor(labRecordId: string, current: string, requested: string) {
    super(`lab record ${labRecordId} is bound to CML lab ${current}; cannot rebind it to ${requested}`, {
      labRecordId,
      current,
      requested,
    });
  }
}
