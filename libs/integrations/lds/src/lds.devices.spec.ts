import { toLdsDevices } from './lds.devices';

describe('toLdsDevices', () => {
  it('maps device access to LDS devices, serial consoles as telnet, dropping uri and username', () => {
    expect(
      toLdsDevices([
        { name: 'ubuntu-desktop_serial', protocol: 'serial', host: '54.1.2.3', port: 5042, uri: 'telnet://54.1.2.3:5042', username: 'cisco' },
        { name: 'ubuntu-desktop_vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044, password: 'vncpw' },
        { name: 'vmanage-mock', protocol: 'https', host: '54.1.2.3', port: 5050 },
      ]),
    ).toEqual([
      { device_label: 'ubuntu-desktop_serial', protocol: 'telnet', host: '54.1.2.3', port: 5042 },
      { device_label: 'ubuntu-desktop_vnc', protocol: 'vnc', host: '54.1.2.3', port: 5044, password: 'vncpw' },
      { device_label: 'vmanage-mock', protocol: 'web', host: '54.1.2.3', port: 5050 },
    ]);
  });
});
