import type { LabPendingAction, LabRecordStatus } from '@lcm/contracts';
import { defineMachine } from '../shared/transition-table';

/** Spec §4.2 (the peer's table). DISCOVERED is never a table target: discovery writes it directly. */
export const LAB_RECORD_TRANSITIONS = {
  DISCOVERED: ['IMPORTING', 'DEFINED', 'STARTING', 'BOOTED', 'STOPPED', 'WIPED', 'DELETED', 'ORPHANED'],
  IMPORTING: ['DEFINED', 'ERROR', 'ORPHANED'],
  DEFINED: ['STARTING', 'BOOTED', 'WIPING', 'DELETING', 'DELETED', 'ORPHANED', 'ERROR'],
  STARTING: ['QUEUED', 'BOOTED', 'STOPPED', 'ERROR', 'ORPHANED'],
  QUEUED: ['BOOTED', 'STOPPED', 'ERROR', 'ORPHANED'],
  BOOTED: ['STOPPING', 'STOPPED', 'PAUSED', 'WIPED', 'ERROR', 'ORPHANED'],
  PAUSED: ['STARTING', 'BOOTED', 'STOPPING', 'STOPPED', 'ERROR', 'ORPHANED'],
  STOPPING: ['STOPPED', 'ERROR', 'ORPHANED'],
  STOPPED: ['STARTING', 'BOOTED', 'WIPING', 'WIPED', 'DELETING', 'DELETED', 'ARCHIVED', 'ORPHANED', 'ERROR'],
  WIPING: ['WIPED', 'ERROR', 'ORPHANED'],
  WIPED: ['STARTING', 'BOOTED', 'DELETING', 'DELETED', 'ARCHIVED', 'ORPHANED'],
  DELETING: ['DELETED', 'ERROR', 'ORPHANED'],
  DELETED: [],
  ARCHIVED: [],
  ERROR: ['STARTING', 'STOPPING', 'WIPING', 'WIPED', 'DELETING', 'DELETED', 'DEFINED', 'ORPHANED'],
  ORPHANED: ['DELETED', 'ARCHIVED'],
} as const satisfies Record<LabRecordStatus, readonly LabRecordStatus[]>;

export const LAB_RECORD_MACHINE = defineMachine<LabRecordStatus>('LAB_RECORD', LAB_RECORD_TRANSITIONS);

export const LAB_RECORD_TERMINAL_STATUSES: readonly LabRecordStatus[] = ['DELETED', 'ARCHIVED'];

/** Where a completed pending action lands (spec §4.2). */
export const PENDING_ACTION_TARGETS = {
  start: 'BOOTED',
  stop: 'STOPPED',
  wipe: 'WIPED',
  delete: 'DELETED',
} as const satisfies Record<LabPendingAction, LabRecordStatus>;

/** CML lab state → LabRecordStatus; unknown states are DEFINED for a known lab, DISCOVERED for a new one. */
export function labStatusForCmlState(cmlState: string, isNew: boolean): LabRecordStatus {
  switch (cmlState.toUpperCase()) {
    case 'DEFINED_ON_CORE':
      return 'DEFINED';
    case 'STARTED':
    case 'BOOTED':
      return 'BOOTED';
    case 'STOPPED':
      return 'STOPPED';
    case 'QUEUED':
      return 'QUEUED';
    default:
      return isNew ? 'DISCOVERED' : 'DEFINED';
  }
}
