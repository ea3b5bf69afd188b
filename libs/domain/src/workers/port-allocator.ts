import type { PortAllocation, PortMap } from '@lcm/contracts';

export interface PortRangeBounds {
  readonly start: number;
  readonly end: number;
}

/** Decision 16: CML's default PATty console range. */
export const DEFAULT_PORT_RANGE: PortRangeBounds = Object.freeze({ start: 2000, end: 7999 });

export function portsOf(map: PortMap): number[] {
  return Object.values(map);
}

export function usedPorts(allocations: readonly PortAllocation[]): Set<number> {
  return new Set(allocations.flatMap((allocation) => portsOf(allocation.ports)));
}

export function freePortCount(range: PortRangeBounds, allocations: readonly PortAllocation[]): number {
  const used = [...usedPorts(allocations)].filter((port) => port >= range.start && port <= range.end);
  return range.end - range.start + 1 - used.length;
}

/**
 * The lowest free port of the range for each name, in the order given (decision 20); null when
 * the range cannot supply them all.
 */
export function pickLowestFreePorts(
  range: PortRangeBounds,
  used: ReadonlySet<number>,
  names: readonly string[],
): PortMap | null {
  const picked: PortMap = {};
  let candidate = range.start;
  for (const name of names) {
    while (candidate <= range.end && used.has(candidate)) candidate += 1;
    if (candidate > range.end) return null;
    picked[name] = candidate;
    candidate += 1;
  }
  return picked;
}
