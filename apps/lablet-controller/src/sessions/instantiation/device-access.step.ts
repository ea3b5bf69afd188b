import { type DeviceAccessInfo } from '@lcm/contracts';
import { resolveDeviceAccess, workerAddress } from '@lcm/domain';
import { type InstantiationContext, type InstantiationStep, type StepOutcome } from './instantiation-step';

/**
 * Spec §7.3 (d): the device access list, frozen here for LDS and grading: from the session's
 * ports (after binding, the lab's) and the worker's address, limited to nodes the lab really has.
 */
export const deviceAccessStep: InstantiationStep = {
  name: 'device_access',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const host = workerAddress(context.worker);
    if (!host) throw new Error(`worker ${context.worker.id} has no address for device access`);
    const labId = context.session.cml_lab_id;
    if (!labId) throw new Error(`session ${context.session.id} has no lab bound`);
    const nodeLabels = new Set((await context.cml.listNodes(labId)).map((node) => node.label));
    const devices: DeviceAccessInfo[] = resolveDeviceAccess({
      ports: context.session.allocated_ports,
      host,
      userVisibleDevices: context.definition.user_visible_devices,
    }).filter((device) => nodeLabels.has(device.name));
    return { kind: 'completed', data: { devices } };
  },
};
