import { type LabRecordStatus } from '@lcm/contracts';

export type LabAction = 'start' | 'stop' | 'wipe' | 'delete' | 'clone' | 'export' | 'archive';

/**
 * Statuses in which each lab action makes sense (spec §9 "enabled per status"), read from the
 * LabRecord transition table of spec §4.2: an action is offered where its outcome is reachable.
 */
const ENABLED_IN: Record<LabAction, readonly LabRecordStatus[]> = {
  start: ['DISCOVERED', 'DEFINED', 'PAUSED', 'STOPPED', 'WIPED', 'ERROR'],
  stop: ['STARTING', 'QUEUED', 'BOOTED', 'PAUSED', 'ERROR'],
  wipe: ['DEFINED', 'BOOTED', 'STOPPED', 'ERROR'],
  delete: ['DISCOVERED', 'DEFINED', 'STOPPED', 'WIPED', 'ERROR', 'ORPHANED'],
  clone: ['DEFINED', 'STARTING', 'QUEUED', 'BOOTED', 'PAUSED', 'STOPPED', 'WIPED'],
  export: ['DEFINED', 'STARTING', 'QUEUED', 'BOOTED', 'PAUSED', 'STOPPED', 'WIPED', 'ARCHIVED', 'ORPHANED'],
  archive: ['STOPPED', 'WIPED', 'ORPHANED'],
};

/** Start, stop, wipe and delete wait while another action is pending on the lab. */
const PENDING_ACTIONS: readonly LabAction[] = ['start', 'stop', 'wipe', 'delete'];

export function labActionEnabled(
  action: LabAction,
  lab: { status: LabRecordStatus; pending_action: string | null },
): boolean {
  if (PENDING_ACTIONS.includes(action) && lab.pending_action) return false;
  return ENABLED_IN[action].includes(lab.status);
}
