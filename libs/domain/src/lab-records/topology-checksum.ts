import { createHash } from 'node:crypto';
import type { TopologySpec } from '@lcm/contracts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, entry]) => [key, canonical(entry)]),
    );
  }
  return value;
}

/** SHA-256 of the canonical JSON (sorted keys, no spaces) of the topology, without its own checksum and raw YAML. */
export function topologyChecksum(spec: TopologySpec): string {
  const { nodes, links, annotations } = spec;
  return createHash('sha256')
    .update(JSON.stringify(canonical({ nodes, links, annotations })))
    .digest('hex');
}
