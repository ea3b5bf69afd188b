import { type Clock, WorkerTemplate, type WorkerTemplateStateInput } from '@lcm/domain';
import { StateBuilder, nextTestId } from './state-builder';

export class WorkerTemplateBuilder extends StateBuilder<WorkerTemplateStateInput, WorkerTemplate> {
  withCapacity(capacity: { cpu_cores: number; memory_gb: number; storage_gb: number; max_nodes?: number }): this {
    const { max_nodes, ...rest } = capacity;
    return this.with(max_nodes === undefined ? { capacity: rest } : { capacity: rest, max_nodes });
  }

  withPortRange(start: number, end: number): this {
    return this.with({ port_range: { start, end } });
  }

  disabled(): this {
    return this.with({ enabled: false });
  }

  protected defaults(at: string): WorkerTemplateStateInput {
    const id = nextTestId('template');
    return {
      id,
      version: 1,
      created_at: at,
      updated_at: at,
      name: id,
      instance_type: 'm5zn.metal',
      capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
      license_type: 'ENTERPRISE',
      max_nodes: 200,
      ami_pattern: 'CML-2.9.*',
      region: 'us-east-1',
    };
  }

  protected reconstitute(state: WorkerTemplateStateInput, clock: Clock): WorkerTemplate {
    return WorkerTemplate.fromState(state, clock);
  }
}

export const aTemplate = (): WorkerTemplateBuilder => new WorkerTemplateBuilder();
