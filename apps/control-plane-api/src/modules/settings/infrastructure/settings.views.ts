import { type SystemSettings as SystemSettingsView } from '@lcm/contracts';
import { type SystemSettingsState } from '@lcm/domain';

export function toSettingsView(state: SystemSettingsState): SystemSettingsView {
  return {
    id: state.id,
    version: state.version,
    created_at: state.created_at,
    updated_at: state.updated_at,
    worker_provisioning: state.worker_provisioning,
    monitoring: state.monitoring,
    idle_detection: state.idle_detection,
    scaling: state.scaling,
    discovery: state.discovery,
    features: state.features,
    updated_by: state.updated_by,
  };
}
