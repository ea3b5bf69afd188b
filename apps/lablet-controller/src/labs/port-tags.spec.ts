import { expectedPortTags, portsFromTags } from './port-tags';

describe('portsFromTags', () => {
  it('reads back the ports expectedPortTags writes as node tags', () => {
    const ports = { r1_serial: 2000, r1_ssh: 2001, core_sw_vnc: 2002 };
    const nodes = [...expectedPortTags(ports)].map(([label, tags]) => ({ label, tags: ['core', ...tags] }));
    expect(portsFromTags(nodes)).toEqual(ports);
  });

  it('ignores tags that name no known protocol or no port, and keeps the first port of a protocol on a node', () => {
    expect(
      portsFromTags([
        { label: 'r1', tags: ['note:9', 'ssh', 'ssh:x', 'SSH:2001', 'ssh:2002'] },
        { label: 'desktop', tags: [] },
      ]),
    ).toEqual({ r1_ssh: 2001 });
  });
});
