import { type LabletDefinition as LabletDefinitionView } from '@lcm/contracts';
import { type LabletDefinitionState } from '@lcm/domain';
import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { type DefinitionContentExtras } from './lablet-definition.repository';

/** The contract's `version` is the definition's semantic version; the stored `version` is the concurrency counter. */
export function toDefinitionView(
  state: LabletDefinitionState,
  extras: DefinitionContentExtras,
): LabletDefinitionView {
  return {
    id: state.id,
    version: state.semver,
    created_at: state.created_at,
    updated_at: state.updated_at,
    name: state.name,
    status: state.status,
    topology_yaml: state.topology_yaml,
    lab_yaml_hash: state.lab_yaml_hash ?? '',
    node_count: state.node_count,
    resource_requirements: state.resource_requirements,
    license_affinity: state.license_affinity,
    port_template: state.port_template,
    form_qualified_name: state.form_qualified_name,
    grading_rules_uri: state.grading_rules_uri,
    grading_collector: extras.grading_collector,
    max_duration_minutes: state.max_duration_minutes,
    warm_pool_depth: state.warm_pool_depth,
    owner_notification: state.owner_notification,
    lab_reuse_enabled: state.lab_reuse_enabled,
    multi_lab_enabled: state.multi_lab_enabled,
    boot_lead_time_minutes: state.boot_lead_time_minutes,
    pipelines: state.pipelines,
    user_visible_devices: state.user_visible_devices,
    lab_artifact_uri: state.lab_artifact_uri,
    created_by: state.created_by ?? 'unknown',
  };
}

export type DefinitionChangeType =
  'lablet_definition.created' | 'lablet_definition.updated' | 'lablet_definition.deprecated';

export function definitionChanged(type: DefinitionChangeType, definition: LabletDefinitionView): ChangeEvent {
  return { type, data: { definition }, at: definition.updated_at };
}
