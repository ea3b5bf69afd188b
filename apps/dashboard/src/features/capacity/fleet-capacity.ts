import { type Capacity, type CmlWorker } from '@lcm/contracts';

const ZERO: Capacity = { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 };
const add = (a: Capacity, b: Capacity): Capacity => ({
  cpu_cores: a.cpu_cores + b.cpu_cores,
  memory_gb: a.memory_gb + b.memory_gb,
  storage_gb: a.storage_gb + b.storage_gb,
  max_nodes: a.max_nodes + b.max_nodes,
});

/**
 * Fleet totals over the workers that can take sessions (RUNNING with declared capacity), computed
 * from the live worker list so the page moves with every capacity event.
 */
export function fleetCapacity(workers: readonly CmlWorker[]): {
  declared: Capacity;
  allocated: Capacity;
  workerCount: number;
} {
  const placeable = workers.filter((worker) => worker.status === 'RUNNING' && worker.declared_capacity);
  return {
    declared: placeable.reduce((sum, worker) => add(sum, worker.declared_capacity ?? ZERO), ZERO),
    allocated: placeable.reduce((sum, worker) => add(sum, worker.allocated_capacity), ZERO),
    workerCount: placeable.length,
  };
}
