import { type CmlWorker } from '@lcm/contracts';
import { fleetCapacity } from './fleet-capacity';

const worker = (
  status: CmlWorker['status'],
  declared: CmlWorker['declared_capacity'],
  allocated: CmlWorker['allocated_capacity'],
) => ({ status, declared_capacity: declared, allocated_capacity: allocated }) as CmlWorker;

describe('fleet capacity totals (spec §9 Capacity)', () => {
  it('sums declared and allocated capacity over RUNNING workers that declare capacity', () => {
    const totals = fleetCapacity([
      worker(
        'RUNNING',
        { cpu_cores: 8, memory_gb: 32, storage_gb: 100, max_nodes: 20 },
        { cpu_cores: 2, memory_gb: 8, storage_gb: 10, max_nodes: 4 },
      ),
      worker(
        'RUNNING',
        { cpu_cores: 4, memory_gb: 16, storage_gb: 50, max_nodes: 10 },
        { cpu_cores: 4, memory_gb: 16, storage_gb: 50, max_nodes: 10 },
      ),
      worker(
        'STOPPED',
        { cpu_cores: 64, memory_gb: 256, storage_gb: 1000, max_nodes: 100 },
        { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 },
      ),
      worker('RUNNING', null, { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 }),
    ]);
    expect(totals).toEqual({
      declared: { cpu_cores: 12, memory_gb: 48, storage_gb: 150, max_nodes: 30 },
      allocated: { cpu_cores: 6, memory_gb: 24, storage_gb: 60, max_nodes: 14 },
      workerCount: 2,
    });
  });
});
