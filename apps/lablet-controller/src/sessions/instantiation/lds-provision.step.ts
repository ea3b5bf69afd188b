import { type DeviceAccessInfo } from '@lcm/contracts';
import { toLdsDevices } from '@lcm/integrations/lds';
import {
  type InstantiationContext,
  type InstantiationStep,
  progressOf,
  recordStep,
  resultOf,
  type StepOutcome,
} from './instantiation-step';

/**
 * Spec §7.3.2: the candidate's LDS session in the worker's region, with one part for the
 * definition's form, its devices and the login link. LDS creation is not idempotent, so its id is
 * recorded the moment LDS returns it and a rerun carries on with that session. Skipped when the
 * definition has no form (there is no LDS content to deliver).
 */
export const ldsProvisionStep: InstantiationStep = {
  name: 'lds_provision',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const form = context.definition.form_qualified_name;
    if (!form) return { kind: 'skipped' };
    const { client: lds, region } = context.systems.lds.forRegion(context.worker.aws_region);
    let ldsSessionId = progressOf(context, 'lds_provision')?.result_data?.['lds_session_id'] as
      string | undefined;
    let recorded: Promise<void> = Promise.resolve();
    if (!ldsSessionId) {
      const created = await lds.createSessionWithPart({
        username: context.session.owner,
        timeslot_start: new Date(context.session.timeslot_start ?? context.clock.now()),
        form_qualified_name: form,
      });
      ldsSessionId = created.session_id;
      recorded = recordStep(context, 'lds_provision', 'running', {
        data: { lds_session_id: ldsSessionId, region },
      });
    }
    const sessionId = ldsSessionId;
    const devices = resultOf<DeviceAccessInfo[]>(context, 'device_access', 'devices');
    // Devices and the login link (both idempotent) are asked while the id is being recorded; a
    // failure waits for that record, so the rerun carries on with this LDS session.
    const [record, launch] = await Promise.allSettled([
      recorded,
      (async () => {
        // An empty user-visible list sends no devices at all (spec §7.3.2).
        if (devices.length > 0) await lds.setDevices(sessionId, toLdsDevices(devices));
        return lds.getLaunchUrl(sessionId);
      })(),
    ]);
    if (record.status === 'rejected') throw record.reason;
    if (launch.status === 'rejected') throw launch.reason;
    const loginUrl = launch.value;
    return { kind: 'completed', data: { lds_session_id: sessionId, region, login_url: loginUrl } };
  },
};
