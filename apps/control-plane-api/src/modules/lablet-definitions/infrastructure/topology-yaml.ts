import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { invalidInput } from '../../../platform/http/api-error';

export const topologyHash = (yaml: string): string => createHash('sha256').update(yaml).digest('hex');

/** Nodes of a CML topology; a body whose YAML does not parse is a 400 naming the field. */
export function countTopologyNodes(yaml: string): number {
  let document: unknown;
  try {
    document = parse(yaml);
  } catch (error) {
    throw invalidInput([
      { field: 'body.topology_yaml', message: `not valid YAML: ${(error as Error).message}` },
    ]);
  }
  const nodes = (document as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.length : 0;
}
