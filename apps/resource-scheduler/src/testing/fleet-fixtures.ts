import {
  CmlWorker,
  LabletDefinition,
  LabletSession,
  SystemSettings,
  WorkerCapacitySnapshot,
  WorkerTemplate,
} from '@lcm/contracts';
import { blankCmlWorker, blankLabletSession, blankSystemSettings } from '@lcm/contracts/testing';

// Contract-valid documents for the scheduler's unit tests, parsed by the schemas so they stay in step.

export const T0 = Date.parse('2030-01-01T12:00:00.000Z');
const at = new Date(T0 - 3_600_000).toISOString();
const doc = (id: string) => ({ id, version: 1, created_at: at, updated_at: at });

/** A UUID whose order follows `n`, so tie-breaks by lowest id are easy to read. */
export const uuid = (kind: 'a' | 'b' | 'c' | 'd' | 'e' | 'f', n: number): string =>
  `${kind}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const definitionId = uuid('d', 1);

export function aDefinitionView(overrides: Partial<LabletDefinition> = {}): LabletDefinition {
  return LabletDefinition.parse({
    ...doc(definitionId),
    name: 'ccna-lab',
    version: '1.0.0',
    topology_yaml: 'lab: {}\n',
    node_count: 4,
    resource_requirements: {
      cpu_cores: 4,
      memory_gb: 16,
      storage_gb: 50,
      nested_virt: false,
      ami_requirements: [],
    },
    license_affinity: [],
    port_template: [{ name: 'r1', protocol: 'telnet' }],
    form_qualified_name: null,
    grading_rules_uri: null,
    grading_collector: 'ccm',
    max_duration_minutes: 120,
    warm_pool_depth: 0,
    owner_notification: null,
    lab_reuse_enabled: false,
    multi_lab_enabled: false,
    boot_lead_time_minutes: null,
    pipelines: {},
    user_visible_devices: null,
    lab_artifact_uri: null,
    status: 'active',
    lab_yaml_hash: 'a'.repeat(64),
    created_by: 'admin',
    ...overrides,
  });
}

export function aSessionView(id: string, overrides: Partial<LabletSession> = {}): LabletSession {
  return LabletSession.parse({
    ...blankLabletSession,
    ...doc(id),
    definition_id: definitionId,
    definition_version: '1.0.0',
    definition_name: 'ccna-lab',
    owner: 'candidate',
    timeslot_end: new Date(T0 + 7_200_000).toISOString(),
    ...overrides,
  });
}

export const templateId = uuid('f', 1);

export function aWorkerView(id: string, overrides: Partial<CmlWorker> = {}): CmlWorker {
  const declared = overrides.declared_capacity ?? {
    cpu_cores: 32,
    memory_gb: 128,
    storage_gb: 1000,
    max_nodes: 100,
  };
  const allocated = overrides.allocated_capacity ?? {
    cpu_cores: 0,
    memory_gb: 0,
    storage_gb: 0,
    max_nodes: 0,
  };
  return CmlWorker.parse({
    ...blankCmlWorker,
    ...doc(id),
    name: `worker-${id.slice(-2)}`,
    template_id: templateId,
    template_name: 'standard',
    declared_capacity: declared,
    allocated_capacity: allocated,
    available_capacity: null,
    ami_name: 'CML-2.9.0',
    ...overrides,
  });
}

/** The capacity key value the control plane would publish for `worker`, as of `updatedAt`. */
export function capacityKeyOf(
  worker: CmlWorker,
  allocated = worker.allocated_capacity,
  updatedAt = new Date(T0).toISOString(),
): string {
  const declared = worker.declared_capacity!;
  return JSON.stringify(
    WorkerCapacitySnapshot.parse({
      worker_id: worker.id,
      declared_capacity: declared,
      allocated_capacity: allocated,
      available_capacity: {
        cpu_cores: declared.cpu_cores - allocated.cpu_cores,
        memory_gb: declared.memory_gb - allocated.memory_gb,
        storage_gb: declared.storage_gb - allocated.storage_gb,
        max_nodes: declared.max_nodes - allocated.max_nodes,
      },
      assigned_instance_count: 0,
      updated_at: updatedAt,
    }),
  );
}

export function aTemplateView(id: string, overrides: Partial<WorkerTemplate> = {}): WorkerTemplate {
  return WorkerTemplate.parse({
    ...doc(id),
    name: `template-${id.slice(-2)}`,
    description: null,
    instance_type: 'm5zn.metal',
    capacity: { cpu_cores: 48, memory_gb: 192, storage_gb: 1000 },
    license_type: 'ENTERPRISE',
    max_nodes: 200,
    ami_pattern: 'CML-2.9.*',
    region: 'us-east-1',
    startup_time_minutes: 20,
    port_range: { start: 2000, end: 7999 },
    drain_timeout_hours: 4,
    cost_per_hour_usd: 4,
    enabled: true,
    is_seeded: false,
    ...overrides,
  });
}

export function settingsView(scaling: Partial<SystemSettings['scaling']> = {}): SystemSettings {
  return SystemSettings.parse({
    ...blankSystemSettings,
    scaling: { ...blankSystemSettings.scaling, ...scaling },
  });
}
