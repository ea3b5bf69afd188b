import { type CmlWorker, type LabletDefinition, type LabletSession, type LabRecord } from '@lcm/contracts';
import { blankCmlWorker, blankLabletSession } from '@lcm/contracts/testing';
import { FAKE_CLOCK_EPOCH, TEST_TOPOLOGY } from '@lcm/testing';

// Contract-shaped documents for unit tests: what the control plane's internal API returns.

const at = FAKE_CLOCK_EPOCH.toISOString();
let counter = 0;
const nextId = (kind: string) => `${kind}-${String((counter += 1)).padStart(4, '0')}`;
const base = (id: string) => ({ id, version: 1, created_at: at, updated_at: at });

export function aDefinitionDoc(patch: Partial<LabletDefinition> = {}): LabletDefinition {
  return {
    ...base(nextId('definition')),
    name: 'lcm-test',
    version: '1.0.0',
    topology_yaml: TEST_TOPOLOGY,
    node_count: 3,
    resource_requirements: {
      cpu_cores: 2,
      memory_gb: 4,
      storage_gb: 10,
      nested_virt: false,
      ami_requirements: [],
    },
    license_affinity: [],
    port_template: [
      { name: 'r1_serial', protocol: 'serial' },
      { name: 'r2_serial', protocol: 'serial' },
      { name: 'desktop_vnc', protocol: 'vnc' },
    ],
    form_qualified_name: 'LCM/TEST/lab-1',
    grading_rules_uri: 's3://grading/lcm-test.yaml',
    grading_collector: 'ccm',
    max_duration_minutes: 240,
    warm_pool_depth: 0,
    owner_notification: null,
    lab_reuse_enabled: true,
    multi_lab_enabled: false,
    boot_lead_time_minutes: null,
    pipelines: {},
    user_visible_devices: null,
    lab_artifact_uri: null,
    status: 'active',
    lab_yaml_hash: '0'.repeat(64),
    created_by: 'admin',
    ...patch,
  };
}

export function aWorkerDoc(patch: Partial<CmlWorker> = {}): CmlWorker {
  return {
    ...blankCmlWorker,
    ...base(nextId('worker')),
    aws_instance_id: 'i-0123456789abcdef0',
    instance_type: 'm5zn.metal',
    public_ip: '54.1.2.3',
    private_ip: '10.0.0.5',
    https_endpoint: 'https://54.1.2.3',
    ...patch,
  } as CmlWorker;
}

export function aSessionDoc(patch: Partial<LabletSession> = {}): LabletSession {
  return {
    ...blankLabletSession,
    ...base(nextId('session')),
    definition_id: 'definition-0000',
    definition_version: '1.0.0',
    definition_name: 'lcm-test',
    owner: 'candidate@example.com',
    timeslot_end: new Date(FAKE_CLOCK_EPOCH.getTime() + 60 * 60_000).toISOString(),
    status: 'SCHEDULED',
    status_history: [{ from: 'PENDING', to: 'SCHEDULED', at, reason: null, actor: 'resource-scheduler' }],
    worker_id: 'worker-0000',
    scheduled_at: at,
    allocated_ports: { r1_serial: 2000, r2_serial: 2001, desktop_vnc: 2002 },
    ...patch,
  };
}

export function aLabRecordDoc(
  patch: Partial<LabRecord> & { worker_id?: string; lab_id?: string } = {},
): LabRecord {
  const { worker_id: workerId = 'worker-0000', lab_id: labId = nextId('cml-lab'), ...rest } = patch;
  return {
    ...base(nextId('lab')),
    runtime_binding: { runtime_type: 'CML', worker_id: workerId, lab_id: labId },
    title: 'lcm-test lab',
    description: null,
    notes: null,
    owner_username: null,
    owner_fullname: null,
    groups: [],
    node_count: 3,
    link_count: 1,
    status: 'WIPED',
    topology_spec: null,
    external_interfaces: [],
    revision: 1,
    revision_history: [],
    run_history: [],
    pending_action: null,
    pending_action_at: null,
    pending_action_error: null,
    based_on_definition_id: 'definition-0000',
    active_lablet_session_id: null,
    allocated_ports: {},
    source: 'import',
    previous_status_before_error: null,
    last_error: null,
    last_error_at: null,
    status_history: [],
    cml_created_at: null,
    modified_at: null,
    first_seen_at: at,
    last_synced_at: null,
    ...rest,
  } as LabRecord;
}
