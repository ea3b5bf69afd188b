import {
  type CmlLicense,
  type CmlMetrics,
  type CmlWorker as CmlWorkerView,
  type SseEventData,
  type SseEventType,
  type WorkerActivity,
  type WorkerActivityEventType,
  type WorkerCapacitySnapshot,
  type WorkerPorts,
} from '@lcm/contracts';
import { type CmlWorkerState, type DomainEvent, freePortCount, subtractCapacity } from '@lcm/domain';
import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { type WorkerControlRequests } from './worker-control-requests';
import { workerConditions } from './worker-conditions';

/** The contract requires a poll interval; a worker never polled yet shows the spec default. */
const DEFAULT_POLL_INTERVAL_SECONDS = 300;

function licenseView(state: CmlWorkerState, requests: WorkerControlRequests): CmlLicense | null {
  const license = state.license;
  if (license.status === null && license.token === null && requests.license === null) return null;
  return {
    status: license.status ?? 'UNREGISTERED',
    has_token: license.token !== null,
    operation_in_progress: requests.license?.operation ?? null,
    expiry_date: license.expiry_date,
    features: license.features,
    raw_info: license.raw_info,
  };
}

/** CML metrics are reported whole (CmlMetrics of the contract); none until the first report. */
function metricsView(state: CmlWorkerState): CmlMetrics | null {
  const metrics = state.metrics;
  if (metrics.last_synced_at === null) return null;
  return {
    version: metrics.version,
    ready: metrics.ready,
    uptime_seconds: metrics.uptime_seconds,
    labs_count: metrics.labs_count ?? 0,
    system_info: metrics.system_info as CmlMetrics['system_info'],
    system_health: metrics.system_health,
    last_synced_at: metrics.last_synced_at,
  };
}

export function toActivityFields(state: CmlWorkerState): Omit<WorkerActivity, 'worker_id'> {
  const { recent_activity_events, ...activity } = state.activity;
  return {
    ...activity,
    // Only counted activity types are ever stored (see the activity report).
    recent_activity_events: recent_activity_events.map((event) => ({
      type: event.type as WorkerActivityEventType,
      at: event.at,
      user_id: event.user_id,
      lab_id: null,
    })),
  };
}

export function toWorkerView(
  state: CmlWorkerState,
  requests: WorkerControlRequests,
  now: Date,
): CmlWorkerView {
  return {
    id: state.id,
    version: state.version,
    created_at: state.created_at,
    updated_at: state.updated_at,
    name: state.name,
    aws_region: state.aws_region,
    template_id: state.template_id,
    template_name: state.template_name,
    origin: state.origin,
    created_by: state.created_by,
    terminated_by: state.terminated_by,
    terminated_at: state.terminated_at,
    status: state.status,
    service_status: state.service_status,
    desired_status: state.desired_status,
    start_initiated_at: state.start_initiated_at,
    stop_initiated_at: state.stop_initiated_at,
    declared_capacity: state.declared_capacity,
    allocated_capacity: state.allocated_capacity,
    available_capacity: state.declared_capacity
      ? subtractCapacity(state.declared_capacity, state.allocated_capacity)
      : null,
    license_type: state.license_type,
    session_ids: state.session_ids,
    port_range_start: state.port_range_start,
    port_range_end: state.port_range_end,
    port_allocations: state.port_allocations,
    aws_instance_id: state.aws_instance_id,
    instance_type: state.instance_type,
    ami_id: state.ami_id,
    ami_name: state.ami_name,
    ami_description: state.ami_description,
    ami_creation_date: state.ami_creation_date,
    public_ip: state.public_ip,
    private_ip: state.private_ip,
    aws_tags: state.aws_tags,
    ec2_instance_state_detail: state.ec2_instance_state_detail,
    ec2_system_status_check: state.ec2_system_status_check,
    ec2_last_checked_at: state.ec2_last_checked_at,
    https_endpoint: state.https_endpoint,
    license: licenseView(state, requests),
    metrics: metricsView(state),
    cloudwatch: {
      ...state.cloudwatch,
      poll_interval_seconds: state.cloudwatch.poll_interval_seconds ?? DEFAULT_POLL_INTERVAL_SECONDS,
    },
    ...toActivityFields(state),
    drain_started_at: state.drain_started_at,
    drain_reason: state.drain_reason,
    drain_requested_by: state.drain_requested_by,
    conditions: workerConditions(state, now),
  };
}

/** Null for a worker without declared capacity: it holds no sessions (decision 13). */
export function toCapacitySnapshot(state: CmlWorkerState): WorkerCapacitySnapshot | null {
  if (!state.declared_capacity) return null;
  return {
    worker_id: state.id,
    declared_capacity: state.declared_capacity,
    allocated_capacity: state.allocated_capacity,
    available_capacity: subtractCapacity(state.declared_capacity, state.allocated_capacity),
    assigned_instance_count: state.session_ids.length,
    updated_at: state.updated_at,
  };
}

export function toPortsView(state: CmlWorkerState): WorkerPorts {
  const range = { start: state.port_range_start, end: state.port_range_end };
  return {
    worker_id: state.id,
    port_range: range,
    allocations: state.port_allocations,
    free_count: freePortCount(range, state.port_allocations),
  };
}

export function workerEvent<T extends SseEventType>(type: T, data: SseEventData<T>, at: string): ChangeEvent {
  return { type, data: data as Record<string, unknown>, at };
}

type WorkerChangeType = Extract<SseEventType, `worker.${string}`>;

const OBSERVED_FIELD_EVENTS: Array<[RegExp, WorkerChangeType]> = [
  [/^https_endpoint$/, 'worker.endpoint.updated'],
  [/^(metrics|cloudwatch|license|ec2_.*)$/, 'worker.metrics.updated'],
  [/^activity$/, 'worker.activity.updated'],
];

function changeTypesOf(event: DomainEvent, worker: CmlWorkerView): WorkerChangeType[] {
  switch (event.type) {
    case 'cml_worker.created':
      return [worker.origin === 'ec2_discovery' ? 'worker.imported' : 'worker.created'];
    case 'cml_worker.draining':
      return ['worker.status.updated', 'worker.draining'];
    case 'cml_worker.terminated':
      return ['worker.status.updated', 'worker.terminated'];
    case 'cml_worker.drain_cancelled':
      return ['worker.drain.cancelled'];
    case 'cml_worker.service_status_changed':
    case 'cml_worker.desired_status_changed':
      return ['worker.status.updated'];
    case 'cml_worker.observed': {
      const fields = (event.payload as { fields: string[] }).fields;
      return fields.map(
        (field) =>
          OBSERVED_FIELD_EVENTS.find(([pattern]) => pattern.test(field))?.[1] ?? 'worker.data.refreshed',
      );
    }
    default:
      if (/^cml_worker\.(capacity|ports)_/.test(event.type)) return ['worker.capacity.updated'];
      return event.type.startsWith('cml_worker.') ? ['worker.status.updated'] : [];
  }
}

/** The SSE events (spec §8.2) a committed worker change stands for, each type once. */
export function workerNotifications(events: readonly DomainEvent[], worker: CmlWorkerView): ChangeEvent[] {
  const types = new Set(events.flatMap((event) => changeTypesOf(event, worker)));
  return [...types].map((type) =>
    workerEvent(type, { worker } as SseEventData<typeof type>, worker.updated_at),
  );
}
