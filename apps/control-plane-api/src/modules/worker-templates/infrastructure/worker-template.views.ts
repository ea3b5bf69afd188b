import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { type WorkerTemplate as WorkerTemplateView } from '@lcm/contracts';
import { type WorkerTemplateState } from '@lcm/domain';

export function toWorkerTemplateView(state: WorkerTemplateState): WorkerTemplateView {
  return {
    id: state.id,
    version: state.version,
    created_at: state.created_at,
    updated_at: state.updated_at,
    name: state.name,
    description: state.description,
    instance_type: state.instance_type,
    capacity: state.capacity,
    license_type: state.license_type,
    max_nodes: state.max_nodes,
    ami_pattern: state.ami_pattern,
    region: state.region,
    startup_time_minutes: state.startup_time_minutes,
    port_range: state.port_range,
    drain_timeout_hours: state.drain_timeout_hours,
    cost_per_hour_usd: state.cost_per_hour_usd,
    enabled: state.enabled,
    is_seeded: state.is_seeded,
  };
}

export function templateChanged(
  type: 'worker_template.created' | 'worker_template.updated',
  template: WorkerTemplateView,
): ChangeEvent {
  return { type, data: { template }, at: template.updated_at };
}
