import { type TopologySpec } from '@lcm/contracts';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { invalidInput } from '../../../platform/http/api-error';

/** The part of a CML lab YAML (topology schema 0.2.x) that LCM stores. */
const CmlInterface = z.looseObject({ id: z.string(), label: z.string().optional() });
const CmlNode = z.looseObject({
  id: z.string(),
  label: z.string(),
  node_definition: z.string().nullable().optional(),
  x: z.number().optional(),
  y: z.number().optional(),
  tags: z.array(z.string()).nullable().optional(),
  interfaces: z.array(CmlInterface).nullable().optional(),
});
const CmlLink = z.looseObject({
  n1: z.string(),
  n2: z.string(),
  i1: z.string().optional(),
  i2: z.string().optional(),
  label: z.string().nullable().optional(),
});
const CmlLab = z.looseObject({
  lab: z
    .looseObject({
      title: z.string().optional(),
      description: z.string().nullable().optional(),
      notes: z.string().nullable().optional(),
    })
    .optional(),
  nodes: z.array(CmlNode).nullable().optional(),
  links: z.array(CmlLink).nullable().optional(),
  annotations: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
});

export interface ParsedCmlLab {
  title: string | null;
  description: string | null;
  notes: string | null;
  topology: TopologySpec;
}

/** Parses a CML lab YAML into the stored topology (raw YAML kept); a bad document is a 400 naming `field`. */
export function parseCmlLabYaml(yaml: string, field: string): ParsedCmlLab {
  let document: unknown;
  try {
    document = parse(yaml);
  } catch (error) {
    throw invalidInput([{ field, message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const lab = CmlLab.safeParse(document);
  if (!lab.success) {
    throw invalidInput(
      lab.error.issues.map((issue) => ({
        field: [field, ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
  const nodes = lab.data.nodes ?? [];
  const nodeLabel = new Map(nodes.map((node) => [node.id, node.label]));
  const interfaceLabel = new Map(
    nodes.flatMap((node) =>
      (node.interfaces ?? []).map((i) => [`${node.id}/${i.id}`, i.label ?? i.id] as const),
    ),
  );
  return {
    title: lab.data.lab?.title ?? null,
    description: lab.data.lab?.description ?? null,
    notes: lab.data.lab?.notes ?? null,
    topology: {
      nodes: nodes.map((node) => ({
        label: node.label,
        node_definition: node.node_definition ?? null,
        // MongoDB stores an undefined field as null, which the optional coordinates do not accept.
        ...(node.x === undefined ? {} : { x: node.x }),
        ...(node.y === undefined ? {} : { y: node.y }),
        tags: node.tags ?? [],
      })),
      links: (lab.data.links ?? []).map((link) => ({
        source_node: nodeLabel.get(link.n1) ?? link.n1,
        source_interface: link.i1 ? (interfaceLabel.get(`${link.n1}/${link.i1}`) ?? link.i1) : null,
        target_node: nodeLabel.get(link.n2) ?? link.n2,
        target_interface: link.i2 ? (interfaceLabel.get(`${link.n2}/${link.i2}`) ?? link.i2) : null,
        label: link.label ?? null,
      })),
      annotations: lab.data.annotations ?? [],
      raw_yaml: yaml,
    },
  };
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
