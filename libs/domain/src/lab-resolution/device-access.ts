import type { DeviceAccessInfo, DeviceProtocol, PortMap, UserVisibleDevice } from '@lcm/contracts';

/** Spec §7.3.2: when a node exposes several ports, LDS gets the first of these. */
export const DEVICE_PROTOCOL_PRIORITY: readonly DeviceProtocol[] = ['vnc', 'http', 'https', 'rdp', 'ssh', 'serial', 'telnet'];

const KNOWN_PROTOCOLS = new Set<string>(['ssh', 'telnet', 'vnc', 'web', 'console', 'serial', 'http', 'https', 'rdp']);

export interface DeviceAccessInput {
  /** The session's allocated ports, named `<device label>_<protocol>`. */
  ports: PortMap;
  /** Address candidates reach the worker on (public IP, else private IP, else the endpoint host). */
  host: string;
  /** The definition's list: null = every device, empty = none. */
  userVisibleDevices: readonly UserVisibleDevice[] | null;
}

interface PortEntry {
  portName: string;
  label: string;
  protocol: DeviceProtocol;
  port: number;
}

/** `<label>_<protocol>` split at the last underscore; null when the name has no known protocol suffix. */
export function parsePortName(portName: string): { label: string; protocol: DeviceProtocol } | null {
  const cut = portName.lastIndexOf('_');
  if (cut <= 0 || cut === portName.length - 1) return null;
  const protocol = portName.slice(cut + 1).toLowerCase();
  if (!KNOWN_PROTOCOLS.has(protocol)) return null;
  return { label: portName.slice(0, cut), protocol: protocol as DeviceProtocol };
}

const rank = (protocol: DeviceProtocol): number => {
  const index = DEVICE_PROTOCOL_PRIORITY.indexOf(protocol);
  return index === -1 ? DEVICE_PROTOCOL_PRIORITY.length : index;
};

/**
 * A per-device preference (`user_access_mode`) may name one of the device's ports, either by its
 * full port name or by its protocol; anything else leaves the priority order in charge.
 */
function preferred(entries: readonly PortEntry[], preference: string | undefined): PortEntry | undefined {
  if (!preference) return undefined;
  const wanted = preference.toLowerCase();
  return entries.find((entry) => entry.portName.toLowerCase() === wanted || entry.protocol === wanted);
}

/**
 * The frozen device access list of a session (spec §7.3 (d), §7.3.2): one device per label, its
 * port chosen by preference or protocol priority, reachable at the worker's address; only the
 * user-visible devices when the definition lists them. Sorted by label so LDS, grading and the
 * dashboard see the same order.
 */
export function resolveDeviceAccess(input: DeviceAccessInput): DeviceAccessInfo[] {
  const byLabel = new Map<string, PortEntry[]>();
  for (const [portName, port] of Object.entries(input.ports)) {
    const parsed = parsePortName(portName);
    if (!parsed) continue;
    byLabel.set(parsed.label, [...(byLabel.get(parsed.label) ?? []), { portName, port, ...parsed }]);
  }
  const visible = input.userVisibleDevices ? new Map(input.userVisibleDevices.map((device) => [device.device_label, device.user_access_mode])) : null;
  const devices: DeviceAccessInfo[] = [];
  for (const [label, entries] of [...byLabel.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (visible && !visible.has(label)) continue;
    const byPriority = [...entries].sort((a, b) => rank(a.protocol) - rank(b.protocol) || a.portName.localeCompare(b.portName));
    const chosen = preferred(entries, visible?.get(label)) ?? byPriority[0]!;
    devices.push({ name: label, protocol: chosen.protocol, host: input.host, port: chosen.port });
  }
  return devices;
}
