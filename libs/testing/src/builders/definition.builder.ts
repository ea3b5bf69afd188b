import type { DefinitionStatus, DeviceProtocol } from '@lcm/contracts';
import { type Clock, LabletDefinition, type LabletDefinitionStateInput } from '@lcm/domain';
import { StateBuilder, nextTestId } from './state-builder';

export class LabletDefinitionBuilder extends StateBuilder<LabletDefinitionStateInput, LabletDefinition> {
  inStatus(status: DefinitionStatus): this {
    return this.with({ status });
  }

  /** Port names in template order; each becomes one reserved worker port. */
  withPorts(...names: string[]): this {
    return this.with({ port_template: names.map((name) => ({ name, protocol: 'console' as DeviceProtocol })) });
  }

  withDemand(demand: { cpu_cores: number; memory_gb: number; storage_gb: number; nodes: number }): this {
    return this.with({
      resource_requirements: { cpu_cores: demand.cpu_cores, memory_gb: demand.memory_gb, storage_gb: demand.storage_gb },
      node_count: demand.nodes,
    });
  }

  graded(rulesUri = 's3://grading/rules.yaml'): this {
    return this.with({ grading_rules_uri: rulesUri });
  }

  ungraded(): this {
    return this.with({ grading_rules_uri: null });
  }

  protected defaults(at: string): LabletDefinitionStateInput {
    const id = nextTestId('definition');
    return {
      id,
      version: 1,
      created_at: at,
      updated_at: at,
      name: `lab-${id}`,
      semver: '1.0.0',
      status: 'active',
      node_count: 4,
      resource_requirements: { cpu_cores: 4, memory_gb: 16, storage_gb: 40 },
      port_template: [
        { name: 'r1_console', protocol: 'console' },
        { name: 'r2_console', protocol: 'console' },
      ],
      form_qualified_name: 'exam.ccna.lab1',
      grading_rules_uri: 's3://grading/rules.yaml',
      max_duration_minutes: 240,
    };
  }

  protected reconstitute(state: LabletDefinitionStateInput, clock: Clock): LabletDefinition {
    return LabletDefinition.fromState(state, clock);
  }
}

export const aDefinition = (): LabletDefinitionBuilder => new LabletDefinitionBuilder();
