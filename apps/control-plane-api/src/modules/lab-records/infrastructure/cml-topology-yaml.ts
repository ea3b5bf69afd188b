import { type TopologySpec } from '@lcm/contracts';
import { InvalidCmlTopologyError, type ParsedCmlLab, parseCmlTopology } from '@lcm/domain';
import { stringify } from 'yaml';
import { invalidInput } from '../../../platform/http/api-error';

/** Parses a CML lab YAML into the stored topology (raw YAML kept); a bad document is a 400 naming `field`. */
export function parseCmlLabYaml(yaml: string, field: string): ParsedCmlLab {
  try {
    return parseCmlTopology(yaml);
  } catch (error) {
    if (!(error instanceof InvalidCmlTopologyError)) throw error;
    throw invalidInput(
      error.problems.map((problem) => ({ field: problem.path ? `${field}.${problem.path}` : field, message: problem.message })),
    );
  }
}

/**
 * CML lab YAML for a stored topology: the YAML it came with when there is one, otherwise one built
 * from the stored nodes and links (discovered labs), with generated node and interface ids.
 */
export function renderCmlLabYaml(
  topology: TopologySpec,
  lab: { title: string; description: string | null; notes: string | null },
): string {
  if (topology.raw_yaml) return topology.raw_yaml;
  const nodeIds = new Map(topology.nodes.map((node, index) => [node.label, `n${index}`]));
  const interfaces = new Map<string, string[]>(topology.nodes.map((node) => [node.label, []]));
  const interfaceId = (node: string, name: string | null | undefined): string | undefined => {
    if (!name) return undefined;
    const list = interfaces.get(node) ?? [];
    if (!list.includes(name)) list.push(name);
    interfaces.set(node, list);
    return `i${list.indexOf(name)}`;
  };
  const links = topology.links.map((link, index) => ({
    id: `l${index}`,
    n1: nodeIds.get(link.source_node) ?? link.source_node,
    i1: interfaceId(link.source_node, link.source_interface),
    n2: nodeIds.get(link.target_node) ?? link.target_node,
    i2: interfaceId(link.target_node, link.target_interface),
    label: link.label ?? undefined,
  }));
  const nodes = topology.nodes.map((node) => ({
    id: nodeIds.get(node.label),
    label: node.label,
    node_definition: node.node_definition ?? undefined,
    x: node.x ?? 0,
    y: node.y ?? 0,
    tags: node.tags,
    interfaces: (interfaces.get(node.label) ?? []).map((label, index) => ({
      id: `i${index}`,
      label,
      slot: index,
      type: 'physical',
    })),
  }));
  return stringify({
    lab: { title: lab.title, description: lab.description ?? '', notes: lab.notes ?? '', version: '0.2.2' },
    nodes,
    links,
    annotations: topology.annotations,
  });
}
