import type { Capacity, CmlServiceStatus, CmlWorkerStatus } from '@lcm/contracts';
import { type Clock, CmlWorker, type CmlWorkerStateInput } from '@lcm/domain';
import { StateBuilder, nextTestId } from './state-builder';

export const DEFAULT_WORKER_CAPACITY: Capacity = { cpu_cores: 48, memory_gb: 192, storage_gb: 1000, max_nodes: 200 };

export class CmlWorkerBuilder extends StateBuilder<CmlWorkerStateInput, CmlWorker> {
  inState(status: CmlWorkerStatus): this {
    return this.with({ status });
  }

  /** RUNNING with CML AVAILABLE: a worker that accepts sessions. */
  running(): this {
    return this.with({ status: 'RUNNING', service_status: 'AVAILABLE', https_endpoint: 'https://10.0.0.10' });
  }

  withServiceStatus(serviceStatus: CmlServiceStatus): this {
    return this.with({ service_status: serviceStatus });
  }

  /** `null` models an imported worker without a template or explicit capacity (decision 13). */
  withCapacity(capacity: Capacity | null): this {
    return this.with({ declared_capacity: capacity });
  }

  withPortRange(start: number, end: number): this {
    return this.with({ port_range_start: start, port_range_end: end });
  }

  protected defaults(at: string): CmlWorkerStateInput {
    const id = nextTestId('worker');
    return {
      id,
      version: 1,
      created_at: at,
      updated_at: at,
      name: id,
      aws_region: 'us-east-1',
      status: 'PENDING',
      origin: 'user_created',
      template_id: 'template-default',
      template_name: 'default',
      declared_capacity: DEFAULT_WORKER_CAPACITY,
      license_type: 'ENTERPRISE',
      aws_instance_id: `i-${id}`,
    };
  }

  protected reconstitute(state: CmlWorkerStateInput, clock: Clock): CmlWorker {
    return CmlWorker.fromState(state, clock);
  }
}

export const aWorker = (): CmlWorkerBuilder => new CmlWorkerBuilder();
