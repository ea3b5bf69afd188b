import { type DeviceAccessInfo } from '@lcm/contracts';
import { workerAddress } from '@lcm/domain';
import {
  type InstantiationContext,
  type InstantiationStep,
  progressOf,
  resultOf,
  type StepOutcome,
  writeCarryingProgress,
} from './instantiation-step';

/**
 * Without LDS (no form) the candidate works on CML directly: the user session names the lab's CML
 * page as its login link and an id of LCM's own instead of an LDS session (README: decisions).
 */
function directAccess(
  context: InstantiationContext,
  labId: string,
): { lds_session_id: string; login_url: string } {
  return {
    lds_session_id: `direct-${context.session.id}`,
    login_url: `https://${workerAddress(context.worker) ?? context.worker.id}/lab/${labId}`,
  };
}

/** Spec §7.3 (f): INSTANTIATING → READY with the user session and the steps not yet recorded in the same write. */
export const markReadyStep: InstantiationStep = {
  name: 'mark_ready',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const labId = context.session.cml_lab_id;
    if (!labId) throw new Error(`session ${context.session.id} has no lab bound`);
    const lds =
      progressOf(context, 'lds_provision')?.status === 'skipped'
        ? directAccess(context, labId)
        : {
            lds_session_id: resultOf<string>(context, 'lds_provision', 'lds_session_id'),
            login_url: resultOf<string>(context, 'lds_provision', 'login_url'),
          };
    const devices = resultOf<DeviceAccessInfo[]>(context, 'device_access', 'devices');
    await writeCarryingProgress(context, (progress) =>
      context.cpa.sessions.markReady({
        params: { lablet_session_id: context.session.id },
        body: { cml_lab_id: labId, ...lds, devices, ...progress },
      }),
    );
    return { kind: 'completed' };
  },
};
