import { FakeClock, aDefinition, describeTransitionMatrix } from '@lcm/testing';
import { DefinitionStatus } from '@lcm/contracts';
import { DomainValidationError } from '../shared/domain-error';
import { LabletDefinition } from './lablet-definition.aggregate';
import { MultiLabNotSupportedError } from './lablet-definition.errors';
import type { LabletDefinitionProps } from './lablet-definition.state';
import { LABLET_DEFINITION_TRANSITIONS } from './lablet-definition.transitions';

describeTransitionMatrix('LabletDefinition', {
  entity: 'DEFINITION',
  statuses: DefinitionStatus.options,
  table: LABLET_DEFINITION_TRANSITIONS,
  build: (from, clock) => aDefinition().inStatus(from).build(clock),
  statusOf: (definition) => definition.status,
  pullEvents: (definition) => definition.pullEvents(),
  eventFor: () => 'lablet_definition.status_changed',
  drivers: {
    active: (d) => d.activate(),
    inactive: (d) => d.deactivate(),
    deprecated: (d) => d.deprecate(),
    archived: (d) => d.archive(),
    deleted: (d) => d.delete(),
  },
});

describe('LabletDefinition.create', () => {
  const props = (patch: Partial<LabletDefinitionProps> = {}): LabletDefinitionProps => ({
    name: 'ccna-lab',
    semver: '1.2.0',
    node_count: 3,
    resource_requirements: { cpu_cores: 2, memory_gb: 8, storage_gb: 20 },
    port_template: [{ name: 'r1_console', protocol: 'console' }],
    max_duration_minutes: 120,
    ...patch,
  });

  it('is active without an artifact and pending_sync with one', () => {
    const clock = new FakeClock();
    expect(LabletDefinition.create({ id: 'd1', props: props() }, clock).status).toBe('active');
    expect(
      LabletDefinition.create({ id: 'd2', props: props({ lab_artifact_uri: 's3://labs/x.zip' }) }, clock)
        .status,
    ).toBe('pending_sync');
  });

  it('rejects multi_lab_enabled=true (decision 5)', () => {
    expect(() =>
      LabletDefinition.create({ id: 'd1', props: props({ multi_lab_enabled: true }) }, new FakeClock()),
    ).toThrow(
      expect.objectContaining({
        constructor: MultiLabNotSupportedError,
        code: 'DEFINITION.MULTI_LAB_NOT_SUPPORTED',
      }),
    );
  });

  it.each([
    ['a non-semver version', { semver: 'v1' }],
    [
      'duplicate port names',
      {
        port_template: [
          { name: 'a', protocol: 'console' as const },
          { name: 'a', protocol: 'vnc' as const },
        ],
      },
    ],
  ])('rejects %s', (_label, patch) => {
    expect(() => LabletDefinition.create({ id: 'd1', props: props(patch) }, new FakeClock())).toThrow(
      DomainValidationError,
    );
  });

  it('demands its resources and node count from a worker', () => {
    const definition = LabletDefinition.create({ id: 'd1', props: props() }, new FakeClock());
    expect(definition.capacityDemand).toEqual({ cpu_cores: 2, memory_gb: 8, storage_gb: 20, max_nodes: 3 });
    expect(definition.portNames).toEqual(['r1_console']);
  });
});

describe('LabletDefinition.updateOperationalFlags', () => {
  it('changes only the flags that differ and says which', () => {
    const definition = aDefinition().build();
    definition.pullEvents();
    definition.updateOperationalFlags({
      lab_reuse_enabled: true,
      max_duration_minutes: definition.toState().max_duration_minutes,
    });
    expect(definition.toState().lab_reuse_enabled).toBe(true);
    expect(definition.pullEvents().map((event) => [event.type, event.payload])).toEqual([
      ['lablet_definition.flags_updated', { changed_fields: ['lab_reuse_enabled'] }],
    ]);
  });

  it('is a no-op for unchanged values and refuses multi-lab (decision 5) and invalid values', () => {
    const definition = aDefinition().build();
    definition.pullEvents();
    definition.updateOperationalFlags({ lab_reuse_enabled: definition.toState().lab_reuse_enabled });
    expect(definition.pullEvents()).toEqual([]);
    expect(() => definition.updateOperationalFlags({ multi_lab_enabled: true })).toThrow(
      MultiLabNotSupportedError,
    );
    expect(() => definition.updateOperationalFlags({ max_duration_minutes: -5 })).toThrow(
      DomainValidationError,
    );
    expect(definition.toState().max_duration_minutes).toBeGreaterThan(0);
  });
});
