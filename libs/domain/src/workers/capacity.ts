import type { Capacity } from '@lcm/contracts';

export type CapacityDimension = keyof Capacity;

/** Also used for a session's demand, where `max_nodes` is the definition's node count. */
export const ZERO_CAPACITY: Capacity = Object.freeze({
  cpu_cores: 0,
  memory_gb: 0,
  storage_gb: 0,
  max_nodes: 0,
});

const DIMENSIONS: readonly CapacityDimension[] = ['cpu_cores', 'memory_gb', 'storage_gb', 'max_nodes'];

function combine(a: Capacity, b: Capacity, op: (x: number, y: number) => number): Capacity {
  return {
    cpu_cores: op(a.cpu_cores, b.cpu_cores),
    memory_gb: op(a.memory_gb, b.memory_gb),
    storage_gb: op(a.storage_gb, b.storage_gb),
    max_nodes: op(a.max_nodes, b.max_nodes),
  };
}

export function addCapacity(a: Capacity, b: Capacity): Capacity {
  return combine(a, b, (x, y) => x + y);
}

/** Never below zero: available capacity of an over-allocated worker (e.g. after a template shrink) is none, not negative. */
export function subtractCapacity(a: Capacity, b: Capacity): Capacity {
  return combine(a, b, (x, y) => Math.max(0, x - y));
}

export function sumCapacity(items: readonly Capacity[]): Capacity {
  return items.reduce(addCapacity, { ...ZERO_CAPACITY });
}

/** The dimensions in which `demand` does not fit into `available`; empty when it fits. */
export function exceededDimensions(demand: Capacity, available: Capacity): CapacityDimension[] {
  return DIMENSIONS.filter((dimension) => demand[dimension] > available[dimension]);
}
