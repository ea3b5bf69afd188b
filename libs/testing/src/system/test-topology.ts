/**
 * The CML topology of the tests that import and boot a lab (lablet-controller, e2e suite, fault
 * drills): two routers with console ports and a desktop with VNC; `${PORT_<name>}` is where LCM
 * writes the allocated ports, so a definition's port_template names r1_serial, r2_serial and
 * desktop_vnc.
 */
export const TEST_TOPOLOGY = `lab:
  title: lcm-test-lab
  version: 0.2.2
nodes:
  - id: n0
    label: r1
    node_definition: iosv
    x: 0
    y: 0
    tags: ['serial:\${PORT_r1_serial}']
    interfaces: [{ id: i0, label: Gi0/0, slot: 0, type: physical }]
  - id: n1
    label: r2
    node_definition: iosv
    x: 100
    y: 0
    tags: ['serial:\${PORT_r2_serial}']
    interfaces: [{ id: i0, label: Gi0/0, slot: 0, type: physical }]
  - id: n2
    label: desktop
    node_definition: desktop
    x: 50
    y: 100
    tags: ['vnc:\${PORT_desktop_vnc}']
    interfaces: [{ id: i0, label: eth0, slot: 0, type: physical }]
links:
  - { id: l0, n1: n0, i1: i0, n2: n1, i2: i0 }
annotations:
  - { type: text, text_content: 'desktop VNC on \${PORT_desktop_vnc}', x1: 0, y1: -50 }
`;
