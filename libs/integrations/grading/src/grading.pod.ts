import { type DeviceAccessInfo } from '@lcm/contracts';
import { type GradingDevice, type GradingDeviceInterface, type GradingPod } from './grading.schemas';

export interface PodBuildOptions {
  /** Opaque collector selector the engine requires per device; LabletDefinition setting, default "ccm". */
  collector?: string;
}

type Kind = 'console' | 'aux' | 'vnc' | 'ssh' | 'web';

// Device access names are the node label, or `<label>_<kind>` when a node exposes several ports
// (LDS-API.md §2.3); the kind suffix is stripped to find the node the grading rules address.
const KIND_SUFFIX = /_(serial|console|aux|telnet|vnc|ssh|web|http|https|rdp)$/;

function interfaceKind(device: DeviceAccessInfo): Kind {
  if (device.name.endsWith('_aux')) return 'aux';
  switch (device.protocol) {
    case 'serial':
    case 'console':
    case 'telnet':
      return 'console';
    case 'vnc':
      return 'vnc';
    case 'ssh':
      return 'ssh';
    default:
      return 'web';
  }
}

const PROTOCOL_BY_KIND: Record<Kind, string> = { console: 'telnet', aux: 'telnet', vnc: 'vnc', ssh: 'ssh', web: 'tcp' };

function authenticationFor(device: DeviceAccessInfo, kind: Kind): GradingDeviceInterface['authentication'] {
  if (device.username && device.password) return { scheme: 'basic', properties: { username: device.username, password: device.password } };
  if (kind === 'vnc' && device.password) return { scheme: 'password', properties: { password: device.password } };
  return { scheme: 'none' };
}

/**
 * The GradingEngine pod for a session part, built from the session's frozen device access list
 * (never re-derived from CML, so LDS and the engine see the same devices). One device per node
 * label, one interface per access entry in list order (GRADING-API.md §5).
 */
export function buildPodFromDeviceAccess(podId: string, devices: readonly DeviceAccessInfo[], options: PodBuildOptions = {}): GradingPod {
  const collector = options.collector ?? 'ccm';
  const byLabel = new Map<string, GradingDevice & { interfaces: GradingDeviceInterface[] }>();
  for (const access of devices) {
    const label = access.name.replace(KIND_SUFFIX, '');
    const device = byLabel.get(label) ?? { label, hostname: label, collector, interfaces: [] };
    byLabel.set(label, device);
    const kind = interfaceKind(access);
    const sameKind = device.interfaces.filter((existing) => existing.name === kind || existing.name.startsWith(`${kind}-`)).length;
    device.interfaces.push({
      name: sameKind === 0 ? kind : `${kind}-${sameKind + 1}`,
      protocol: PROTOCOL_BY_KIND[kind],
      host: access.host,
      port: access.port,
      authentication: authenticationFor(access, kind),
      ...(kind === 'console' || kind === 'aux' ? { configuration: { line: kind === 'aux' ? 1 : 0 } } : {}),
    });
  }
  return { id: podId, devices: [...byLabel.values()] };
}
