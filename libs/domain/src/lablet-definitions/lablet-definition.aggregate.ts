import type { Capacity, DefinitionStatus, LicenseType, PortTemplateEntry } from '@lcm/contracts';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import { DomainValidationError } from '../shared/domain-error';
import type { EventUnion } from '../shared/domain-event';
import { applyTransition } from '../shared/transition-table';
import { MultiLabNotSupportedError } from './lablet-definition.errors';
import {
  LabletDefinitionProps,
  LabletDefinitionState,
  type LabletDefinitionStateInput,
} from './lablet-definition.state';
import { LABLET_DEFINITION_MACHINE } from './lablet-definition.transitions';

export type LabletDefinitionEvent = EventUnion<{
  'lablet_definition.created': { name: string; semver: string; status: DefinitionStatus };
  'lablet_definition.status_changed': { from: DefinitionStatus; to: DefinitionStatus };
  'lablet_definition.flags_updated': { changed_fields: string[] };
}>;

/** What an admin may change on an existing version; topology, requirements and ports stay immutable per version. */
export type LabletDefinitionOperationalFlags = Partial<
  Pick<
    LabletDefinitionState,
    | 'lab_reuse_enabled'
    | 'multi_lab_enabled'
    | 'max_duration_minutes'
    | 'warm_pool_depth'
    | 'owner_notification'
    | 'boot_lead_time_minutes'
    | 'user_visible_devices'
  >
>;

export class LabletDefinition extends AggregateRoot<LabletDefinitionState, LabletDefinitionEvent> {
  protected readonly aggregateType = 'lablet_definition' as const;

  /** A definition without an artifact to sync is usable at once; one with an artifact waits for the sync. */
  static create(input: { id: string; props: LabletDefinitionProps }, clock: Clock): LabletDefinition {
    const parsed = LabletDefinitionProps.safeParse(input.props);
    if (!parsed.success)
      throw new DomainValidationError('invalid lablet definition', { issues: parsed.error.issues });
    const props = parsed.data;
    if (props.multi_lab_enabled) throw new MultiLabNotSupportedError(props.name);
    const at = clock.now().toISOString();
    const status: DefinitionStatus = props.lab_artifact_uri ? 'pending_sync' : 'active';
    const definition = new LabletDefinition(
      LabletDefinitionState.parse({
        ...props,
        id: input.id,
        version: 0,
        created_at: at,
        updated_at: at,
        status,
        status_history: [{ from: null, to: status, at, reason: 'created', actor: props.created_by }],
      }),
      clock,
    );
    definition.raise('lablet_definition.created', { name: props.name, semver: props.semver, status });
    return definition;
  }

  static fromState(state: LabletDefinitionStateInput, clock: Clock): LabletDefinition {
    return new LabletDefinition(LabletDefinitionState.parse(state), clock);
  }

  get name(): string {
    return this.state.name;
  }

  get semver(): string {
    return this.state.semver;
  }

  get status(): DefinitionStatus {
    return this.state.status;
  }

  get acceptsSessions(): boolean {
    return this.state.status === 'active';
  }

  /** Graded definitions go RUNNING → COLLECTING at the end; ungraded ones straight to STOPPING. */
  get isGraded(): boolean {
    return this.state.grading_rules_uri !== null;
  }

  get maxDurationMinutes(): number {
    return this.state.max_duration_minutes;
  }

  get labReuseEnabled(): boolean {
    return this.state.lab_reuse_enabled;
  }

  get licenseAffinity(): readonly LicenseType[] {
    return [...this.state.license_affinity];
  }

  get portTemplate(): readonly PortTemplateEntry[] {
    return structuredClone(this.state.port_template);
  }

  get portNames(): string[] {
    return this.state.port_template.map((entry) => entry.name);
  }

  /** What one session of this definition takes from a worker; `max_nodes` carries the node count. */
  get capacityDemand(): Capacity {
    const { cpu_cores, memory_gb, storage_gb } = this.state.resource_requirements;
    return { cpu_cores, memory_gb, storage_gb, max_nodes: this.state.node_count };
  }

  /** Changes operational flags of this version; decision 5 still refuses multi-lab. Unchanged values are a no-op. */
  updateOperationalFlags(flags: LabletDefinitionOperationalFlags): void {
    if (flags.multi_lab_enabled) throw new MultiLabNotSupportedError(this.state.name);
    const changed = (Object.keys(flags) as (keyof LabletDefinitionOperationalFlags)[]).filter(
      (flag) => flags[flag] !== undefined && JSON.stringify(flags[flag]) !== JSON.stringify(this.state[flag]),
    );
    if (changed.length === 0) return;
    const next = LabletDefinitionState.safeParse({ ...this.state, ...flags });
    if (!next.success)
      throw new DomainValidationError('invalid lablet definition flags', { issues: next.error.issues });
    Object.assign(this.state, Object.fromEntries(changed.map((flag) => [flag, next.data[flag]])));
    this.touch();
    this.raise('lablet_definition.flags_updated', { changed_fields: changed });
  }

  activate(actor: string | null = null): void {
    this.transitionTo('active', actor);
  }

  deactivate(actor: string | null = null): void {
    this.transitionTo('inactive', actor);
  }

  deprecate(actor: string | null = null): void {
    this.transitionTo('deprecated', actor);
  }

  archive(actor: string | null = null): void {
    this.transitionTo('archived', actor);
  }

  delete(actor: string | null = null): void {
    this.transitionTo('deleted', actor);
  }

  private transitionTo(to: DefinitionStatus, actor: string | null): void {
    const from = this.state.status;
    if (!applyTransition(LABLET_DEFINITION_MACHINE, this.state, to, { at: this.now(), actor })) return;
    this.raise('lablet_definition.status_changed', { from, to });
  }
}
