import { buildPodFromDeviceAccess } from './grading.pod';

describe('buildPodFromDeviceAccess', () => {
  it('builds the worked example of GRADING-API.md §5 from the frozen device access list', () => {
    const pod = buildPodFromDeviceAccess('session-8c1d', [
      { name: 'vmanage-mock', protocol: 'serial', host: '54.1.2.3', port: 5041 },
      { name: 'ubuntu-desktop_serial', protocol: 'serial', host: '54.1.2.3', port: 5042 },
      { name: 'ubuntu-desktop_vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044 },
    ]);
    expect(pod).toEqual({
      id: 'session-8c1d',
      devices: [
        {
          label: 'vmanage-mock',
          hostname: 'vmanage-mock',
          collector: 'ccm',
          interfaces: [
            { name: 'console', protocol: 'telnet', host: '54.1.2.3', port: 5041, authentication: { scheme: 'none' }, configuration: { line: 0 } },
          ],
        },
        {
          label: 'ubuntu-desktop',
          hostname: 'ubuntu-desktop',
          collector: 'ccm',
          interfaces: [
            { name: 'console', protocol: 'telnet', host: '54.1.2.3', port: 5042, authentication: { scheme: 'none' }, configuration: { line: 0 } },
            { name: 'vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044, authentication: { scheme: 'none' } },
          ],
        },
      ],
    });
  });

  it('uses device credentials, the AUX line and a configured collector', () => {
    const pod = buildPodFromDeviceAccess(
      'p',
      [
        { name: 'r1', protocol: 'telnet', host: 'h', port: 5001, username: 'cisco', password: 'cisco' },
        { name: 'r1_aux', protocol: 'telnet', host: 'h', port: 5002 },
        { name: 'r1_vnc', protocol: 'vnc', host: 'h', port: 5003, password: 'vnc' },
        { name: 'r1_ssh', protocol: 'ssh', host: 'h', port: 5004 },
      ],
      { collector: 'netmiko' },
    );
    expect(pod.devices).toHaveLength(1);
    expect(pod.devices[0]?.collector).toBe('netmiko');
    expect(pod.devices[0]?.interfaces.map(({ name, protocol, authentication, configuration }) => ({ name, protocol, authentication, configuration }))).toEqual([
      { name: 'console', protocol: 'telnet', authentication: { scheme: 'basic', properties: { username: 'cisco', password: 'cisco' } }, configuration: { line: 0 } },
      { name: 'aux', protocol: 'telnet', authentication: { scheme: 'none' }, configuration: { line: 1 } },
      { name: 'vnc', protocol: 'vnc', authentication: { scheme: 'password', properties: { password: 'vnc' } }, configuration: undefined },
      { name: 'ssh', protocol: 'ssh', authentication: { scheme: 'none' }, configuration: undefined },
    ]);
  });

  it('numbers repeated interface kinds so names stay unique within a device', () => {
    const pod = buildPodFromDeviceAccess('p', [
      { name: 'srv_https', protocol: 'https', host: 'h', port: 8443 },
      { name: 'srv_http', protocol: 'http', host: 'h', port: 8080 },
    ]);
    expect(pod.devices[0]?.interfaces.map((iface) => iface.name)).toEqual(['web', 'web-2']);
  });
});
