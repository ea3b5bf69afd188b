import { LabletSession } from '../sessions/lablet-session.model';
import { SystemSettings } from '../settings/settings.contract';
import { CmlWorker } from '../workers/cml-worker.model';
import { sampleCmlWorker, sampleLabletSession, sampleSystemSettings } from './sample-documents';

const zero = { cpu_cores: 0, memory_gb: 0, storage_gb: 0, max_nodes: 0 };

/**
 * `sampleCmlWorker` as a worker that has just been registered: the same shape and capacity, but no
 * sessions, ports, EC2 instance, addresses, licence, metrics or activity yet. The apps' fixtures
 * start from it and set only what their tests are about.
 */
export const blankCmlWorker: CmlWorker = CmlWorker.parse({
  ...sampleCmlWorker,
  template_id: null,
  template_name: null,
  origin: 'user_created',
  created_by: 'admin',
  start_initiated_at: null,
  allocated_capacity: zero,
  available_capacity: sampleCmlWorker.declared_capacity,
  session_ids: [],
  port_allocations: [],
  aws_instance_id: null,
  instance_type: null,
  ami_id: null,
  ami_name: null,
  ami_creation_date: null,
  public_ip: null,
  private_ip: null,
  aws_tags: {},
  ec2_instance_state_detail: null,
  ec2_system_status_check: null,
  ec2_last_checked_at: null,
  https_endpoint: null,
  license: null,
  metrics: null,
  cloudwatch: {
    ...sampleCmlWorker.cloudwatch,
    cpu_utilization: null,
    memory_utilization: null,
    last_collected_at: null,
  },
  last_activity_at: null,
  last_activity_check_at: null,
  recent_activity_events: [],
});

/**
 * `sampleLabletSession` as a session just created: PENDING, on no worker, without ports, lab,
 * children or progress yet.
 */
export const blankLabletSession: LabletSession = LabletSession.parse({
  ...sampleLabletSession,
  reservation_id: null,
  timeslot_start: null,
  status: 'PENDING',
  status_history: [],
  worker_id: null,
  scheduled_at: null,
  allocated_ports: {},
  lab_record_id: null,
  cml_lab_id: null,
  started_at: null,
  user_session_id: null,
  pipeline_progress: {},
  conditions: [],
});

/**
 * `sampleSystemSettings` on an installation nobody has configured yet: no worker provisioning and
 * discovery off, so a controller's test only meets the settings it sets itself.
 */
export const blankSystemSettings: SystemSettings = SystemSettings.parse({
  ...sampleSystemSettings,
  version: 1,
  worker_provisioning: {
    ami_name_default: null,
    ami_ids: {},
    ami_names: {},
    instance_type: null,
    security_group_ids: [],
    subnet_id: null,
  },
  discovery: { ...sampleSystemSettings.discovery, enabled: false, regions: [] },
});
