import { type PortMap, type TopologySpec } from '@lcm/contracts';
import { parsePortName } from '@lcm/domain';
import { type CmlPort } from '@lcm/integrations/cml';

/** The `protocol:port` node tags a lab's ports stand for (`<label>_<protocol>` split at the last underscore), per node label. */
export function expectedPortTags(ports: PortMap): Map<string, string[]> {
  const byLabel = new Map<string, string[]>();
  for (const [portName, port] of Object.entries(ports)) {
    const parsed = parsePortName(portName);
    if (!parsed) continue;
    byLabel.set(parsed.label, [...(byLabel.get(parsed.label) ?? []), `${parsed.protocol}:${port}`]);
  }
  return byLabel;
}

const PORT_TAG = /^([A-Za-z]+):(\d{1,5})$/;

/**
 * The inverse of `expectedPortTags`: the ports a lab's nodes are tagged with, named
 * `<label>_<protocol>`. Tags of unknown protocols are not ports; a second port of the same
 * protocol on one node has no name of its own, so the first one counts.
 */
export function portsFromTags(nodes: TopologySpec['nodes']): PortMap {
  const ports: PortMap = {};
  for (const node of nodes) {
    for (const tag of node.tags) {
      const match = PORT_TAG.exec(tag);
      if (!match) continue;
      const portName = `${node.label}_${match[1]!.toLowerCase()}`;
      if (!parsePortName(portName) || portName in ports) continue;
      ports[portName] = Number(match[2]);
    }
  }
  return ports;
}

/**
 * Spec §7.3.4 (after discovery): adds the `protocol:port` tags a node of the lab is missing for
 * the lab's ports, keeping its other tags (CML replaces the list whole). Returns the nodes changed.
 */
export async function syncPortTags(cml: CmlPort, labId: string, ports: PortMap): Promise<number> {
  const expected = expectedPortTags(ports);
  if (expected.size === 0) return 0;
  let changed = 0;
  for (const node of await cml.listNodes(labId)) {
    const missing = (expected.get(node.label) ?? []).filter((tag) => !node.tags.includes(tag));
    if (missing.length === 0) continue;
    await cml.setNodeTags(labId, node.id, [...node.tags, ...missing]);
    changed += 1;
  }
  return changed;
}
