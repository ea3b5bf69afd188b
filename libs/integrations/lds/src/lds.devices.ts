import { type DeviceAccessInfo } from '@lcm/contracts';
import { type LdsSessionPartDevice } from './lds.schemas';

// LDS documents telnet|ssh|vnc|web; CML PATty serial ports speak telnet (LDS-API.md §2.3).
const LDS_PROTOCOL_BY_DEVICE_PROTOCOL: Record<DeviceAccessInfo['protocol'], string> = {
  ssh: 'ssh',
  telnet: 'telnet',
  serial: 'telnet',
  console: 'telnet',
  vnc: 'vnc',
  web: 'web',
  http: 'web',
  https: 'web',
  rdp: 'web',
};

/**
 * The frozen device access list as LDS devices. `uri` and `username` have no wire field and stay
 * in LCM for display only.
 */
export function toLdsDevices(devices: readonly DeviceAccessInfo[]): LdsSessionPartDevice[] {
  return devices.map((device) => ({
    device_label: device.name,
    protocol: LDS_PROTOCOL_BY_DEVICE_PROTOCOL[device.protocol],
    host: device.host,
    port: device.port,
    ...(device.password ? { password: device.password } : {}),
  }));
}
