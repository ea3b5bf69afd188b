import { InvalidCmlTopologyError, labStatusFromCml, MissingPortError, orderReuseCandidates, parseCmlTopology, parsePortName, portPlaceholderNames, replacePortPlaceholders, resolveDeviceAccess, reuseNeedsWipe, type ReuseCandidate, withChecksum, workerAddress } from '.';

describe('port placeholders', () => {
  const topology = ['nodes:', '  - label: r1', '    tags: [serial:${PORT_r1_serial}]', 'annotations:', '  - text_content: vnc ${PORT_desktop_vnc} and ${PORT_r1_serial}'].join('\n');

  it('replaces every placeholder in tags and annotations with the allocated port', () => {
    const yaml = replacePortPlaceholders(topology, { r1_serial: 2000, desktop_vnc: 2001 });
    expect(yaml).toContain('serial:2000');
    expect(yaml).toContain('vnc 2001 and 2000');
    expect(yaml).not.toContain('${PORT_');
  });

  it('names each placeholder once in order of use', () => {
    expect(portPlaceholderNames(topology)).toEqual(['r1_serial', 'desktop_vnc']);
  });

  it('refuses a topology naming a port without allocation, listing every missing name', () => {
    expect(() => replacePortPlaceholders(topology, { r1_serial: 2000 })).toThrow(MissingPortError);
    expect(() => replacePortPlaceholders(topology, {})).toThrow('r1_serial, desktop_vnc');
  });

  it('leaves a topology without placeholders unchanged', () => {
    expect(replacePortPlaceholders('nodes: []', { r1_serial: 2000 })).toBe('nodes: []');
  });
});

describe('device access', () => {
  const host = '54.1.2.3';

  it('splits port names at the last underscore and skips names without a known protocol', () => {
    expect(parsePortName('core_sw_1_ssh')).toEqual({ label: 'core_sw_1', protocol: 'ssh' });
    expect(parsePortName('r1-telnet')).toBeNull();
    expect(parsePortName('r1_gopher')).toBeNull();
    expect(parsePortName('_ssh')).toBeNull();
  });

  it('gives one device per label, choosing vnc, http, https, rdp, ssh, serial, telnet in that order', () => {
    const devices = resolveDeviceAccess({
      ports: { r1_serial: 2000, r1_ssh: 2001, desktop_rdp: 2002, desktop_vnc: 2003, sw_telnet: 2004, sw_serial: 2005, bad: 2006 },
      host,
      userVisibleDevices: null,
    });
    expect(devices).toEqual([
      { name: 'desktop', protocol: 'vnc', host, port: 2003 },
      { name: 'r1', protocol: 'ssh', host, port: 2001 },
      { name: 'sw', protocol: 'serial', host, port: 2005 },
    ]);
  });

  it('puts unknown-priority protocols last (web after telnet)', () => {
    expect(resolveDeviceAccess({ ports: { ui_web: 2000, ui_telnet: 2001 }, host, userVisibleDevices: null })[0]).toMatchObject({ protocol: 'telnet' });
  });

  it('honours a per-device preference naming a port or a protocol', () => {
    const ports = { r1_serial: 2000, r1_ssh: 2001, sw_vnc: 2002, sw_serial: 2003 };
    const devices = resolveDeviceAccess({
      ports,
      host,
      userVisibleDevices: [
        { device_label: 'r1', user_access_mode: 'serial' },
        { device_label: 'sw', user_access_mode: 'sw_serial' },
      ],
    });
    expect(devices.map((device) => [device.name, device.port])).toEqual([
      ['r1', 2000],
      ['sw', 2003],
    ]);
  });

  it('keeps only the user-visible devices when the definition lists them; an empty list keeps none', () => {
    const ports = { r1_ssh: 2000, r2_ssh: 2001 };
    expect(resolveDeviceAccess({ ports, host, userVisibleDevices: [{ device_label: 'r2', user_access_mode: 'console' }] }).map((d) => d.name)).toEqual(['r2']);
    expect(resolveDeviceAccess({ ports, host, userVisibleDevices: [] })).toEqual([]);
  });
});

describe('lab reuse order', () => {
  const lab = (id: string, status: ReuseCandidate['status'], patch: Partial<ReuseCandidate> = {}): ReuseCandidate => ({
    id,
    status,
    pending_action: null,
    based_on_definition_id: 'def-1',
    active_lablet_session_id: null,
    runtime_binding: { worker_id: 'w-1', lab_id: `cml-${id}` },
    ...patch,
  });

  it('orders WIPED before STOPPED and skips WIPING, STOPPING and other statuses', () => {
    const labs = [lab('a', 'STOPPED'), lab('b', 'WIPING'), lab('c', 'WIPED'), lab('d', 'STOPPING'), lab('e', 'BOOTED'), lab('f', 'ORPHANED')];
    expect(orderReuseCandidates(labs, 'def-1', 'w-1', 's-1').map((l) => l.id)).toEqual(['c', 'a']);
  });

  it('skips labs of another definition or worker, with a pending action or used by another session', () => {
    const labs = [
      lab('a', 'WIPED', { based_on_definition_id: 'def-2' }),
      lab('b', 'WIPED', { runtime_binding: { worker_id: 'w-2', lab_id: 'x' } }),
      lab('c', 'WIPED', { pending_action: 'delete' }),
      lab('d', 'WIPED', { active_lablet_session_id: 's-other' }),
      lab('e', 'WIPED', { active_lablet_session_id: 's-1' }),
    ];
    expect(orderReuseCandidates(labs, 'def-1', 'w-1', 's-1').map((l) => l.id)).toEqual(['e']);
  });

  it('wipes a stopped lab before reuse, never a wiped one', () => {
    expect(reuseNeedsWipe('STOPPED')).toBe(true);
    expect(reuseNeedsWipe('WIPED')).toBe(false);
  });
});

describe('worker address', () => {
  it('prefers the public IP, then the private IP, then the endpoint host', () => {
    expect(workerAddress({ public_ip: '54.1.2.3', private_ip: '10.0.0.1', https_endpoint: 'https://cml.example' })).toBe('54.1.2.3');
    expect(workerAddress({ public_ip: null, private_ip: '10.0.0.1', https_endpoint: 'https://cml.example' })).toBe('10.0.0.1');
    expect(workerAddress({ public_ip: null, private_ip: null, https_endpoint: 'https://cml.example:8443/x' })).toBe('cml.example');
    expect(workerAddress({ public_ip: null, private_ip: null, https_endpoint: null })).toBeNull();
  });
});

describe('CML lab status mapping', () => {
  it('maps CML states onto LCM statuses, unknown ones to DEFINED', () => {
    expect(['DEFINED_ON_CORE', 'STARTED', 'BOOTED', 'STOPPED', 'QUEUED', 'SOMETHING'].map(labStatusFromCml)).toEqual(['DEFINED', 'BOOTED', 'BOOTED', 'STOPPED', 'QUEUED', 'DEFINED']);
  });
});

describe('CML topology parsing', () => {
  const yaml = [
    'lab: { title: demo, description: d }',
    'nodes:',
    '  - { id: n0, label: r1, node_definition: iosv, x: 1, y: 2, tags: ["serial:2000"], interfaces: [{ id: i0, label: Gi0/0 }] }',
    '  - { id: n1, label: r2, node_definition: iosv, interfaces: [{ id: i0, label: Gi0/1 }] }',
    'links:',
    '  - { id: l0, n1: n0, i1: i0, n2: n1, i2: i0 }',
  ].join('\n');

  it('keeps nodes by label, links by node and interface label, the raw YAML and a stable checksum', () => {
    const parsed = parseCmlTopology(yaml);
    expect(parsed.title).toBe('demo');
    expect(parsed.topology.nodes[0]).toEqual({ label: 'r1', node_definition: 'iosv', x: 1, y: 2, tags: ['serial:2000'] });
    expect(parsed.topology.links).toEqual([{ source_node: 'r1', source_interface: 'Gi0/0', target_node: 'r2', target_interface: 'Gi0/1', label: null }]);
    expect(withChecksum(parsed.topology).checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(withChecksum(parseCmlTopology(yaml).topology).checksum).toBe(withChecksum(parsed.topology).checksum);
  });

  it('names what is wrong with a document that is not a CML lab', () => {
    expect(() => parseCmlTopology('nodes: [{ id: n0 }]')).toThrow(InvalidCmlTopologyError);
    expect(() => parseCmlTopology(': : :')).toThrow('not valid YAML');
  });

  it('refuses annotations the store cannot hold (an array in an array, a key with a dot) instead of storing them', () => {
    expect(() => parseCmlTopology('annotations: [{ points: [[0, 0], [1, 1]] }]')).toThrow('annotations.0.points.0');
    expect(() => parseCmlTopology('annotations: [{ "a.b": 1 }]')).toThrow(InvalidCmlTopologyError);
    expect(parseCmlTopology('annotations: [{ type: text, x1: 1 }]').topology.annotations).toEqual([{ type: 'text', x1: 1 }]);
  });
});
