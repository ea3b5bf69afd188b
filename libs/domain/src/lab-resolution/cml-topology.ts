import { StorableJsonObject, type TopologySpec } from '@lcm/contracts';
import { parse } from 'yaml';
import { z } from 'zod';
import { topologyChecksum } from '../lab-records/topology-checksum';

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
  // Stored as they come: keys and nesting the store can hold (StorableJsonObject), else a 400, not a 500.
  annotations: z.array(StorableJsonObject).nullable().optional(),
});

export interface ParsedCmlLab {
  title: string | null;
  description: string | null;
  notes: string | null;
  topology: TopologySpec;
}

export class InvalidCmlTopologyError extends Error {
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super(`not a CML lab topology: ${problems.map((problem) => `${problem.path || '(document)'}: ${problem.message}`).join('; ')}`);
    this.name = 'InvalidCmlTopologyError';
  }
}

/**
 * Parses a CML lab YAML (as `GET /labs/{id}/download` returns it) into the stored topology with
 * its raw YAML and checksum (spec §3.4, §7.3.4); a bad document throws InvalidCmlTopologyError.
 */
export function parseCmlTopology(yaml: string): ParsedCmlLab {
  let document: unknown;
  try {
    document = parse(yaml);
  } catch (error) {
    throw new InvalidCmlTopologyError([{ path: '', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const lab = CmlLab.safeParse(document);
  if (!lab.success) {
    throw new InvalidCmlTopologyError(lab.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
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

/** The topology with its checksum filled in. */
export function withChecksum(topology: TopologySpec): TopologySpec {
  return { ...topology, checksum: topologyChecksum(topology) };
}
