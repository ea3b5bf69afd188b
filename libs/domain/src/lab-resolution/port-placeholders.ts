import type { PortMap } from '@lcm/contracts';

/** `${PORT_<NAME>}` in a definition's topology (spec §3.7); NAME is a port_template entry name. */
const PLACEHOLDER = /\$\{PORT_([A-Za-z0-9_.-]+)\}/g;

export class MissingPortError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`the topology names ports the session has no allocation for: ${names.join(', ')}`);
    this.name = 'MissingPortError';
  }
}

/** The port names a topology refers to, each once, in order of first use. */
export function portPlaceholderNames(topologyYaml: string): string[] {
  return [...new Set([...topologyYaml.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/**
 * The topology with every `${PORT_<NAME>}` replaced by the session's allocated port (node tags and
 * annotations alike, spec §7.3 (b)). A placeholder without an allocation is an error naming all of
 * them: importing a lab with an unreplaced placeholder would give devices no reachable port.
 */
export function replacePortPlaceholders(topologyYaml: string, ports: PortMap): string {
  const missing = portPlaceholderNames(topologyYaml).filter((name) => ports[name] === undefined);
  if (missing.length > 0) throw new MissingPortError(missing);
  return topologyYaml.replace(PLACEHOLDER, (_, name: string) => String(ports[name]));
}
