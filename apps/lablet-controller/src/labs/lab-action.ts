import { type LabPendingAction, type LabRecord, type LabRecordStatus } from '@lcm/contracts';
import { type CmlPort } from '@lcm/integrations/cml';
import { reportLabStatus, type LabOperationsContext, teardownLab, type TeardownProgress } from './lab-operations';

export type LabActionProgress = { kind: 'completed'; resultingStatus: LabRecordStatus } | { kind: 'waiting' };

const waitingOr = (progress: TeardownProgress, resultingStatus: LabRecordStatus): LabActionProgress =>
  progress === 'waiting' ? { kind: 'waiting' } : { kind: 'completed', resultingStatus };

/**
 * One pass of a pending lab action on CML (spec §7.3.3). Start waits until every node booted;
 * stop, wipe and delete go down step by step (a delete of a started lab is stop → wipe → delete,
 * reporting STOPPED and WIPED on the way).
 */
export async function advanceLabAction(context: LabOperationsContext, cml: CmlPort, lab: LabRecord, action: LabPendingAction): Promise<LabActionProgress> {
  const labId = lab.runtime_binding.lab_id;
  switch (action) {
    case 'start':
      if ((await cml.getLabState(labId)) !== 'STARTED') {
        await cml.startLab(labId);
        await reportLabStatus(context, lab, 'STARTING');
      }
      return (await cml.isLabConverged(labId)) ? { kind: 'completed', resultingStatus: 'BOOTED' } : { kind: 'waiting' };
    case 'stop':
      return waitingOr(await teardownLab(context, cml, lab, 'STOPPED', { reportFinal: false }), 'STOPPED');
    case 'wipe':
      return waitingOr(await teardownLab(context, cml, lab, 'WIPED', { reportFinal: false }), 'WIPED');
    case 'delete':
      return waitingOr(await teardownLab(context, cml, lab, 'DELETED', { reportFinal: false }), 'DELETED');
  }
}
