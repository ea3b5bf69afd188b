import type {
  Capacity,
  CmlServiceStatus,
  CmlWorkerStatus,
  LicenseType,
  PauseReason,
  PortAllocation,
  PortMap,
  WorkerDesiredStatus,
  WorkerOrigin,
} from '@lcm/contracts';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import { InvalidTransitionError } from '../shared/domain-error';
import { applyTransition } from '../shared/transition-table';
import type { WorkerTemplate } from '../worker-templates/worker-template.aggregate';
import { licenseSatisfiesAffinity } from '../placement/license-compatibility';
import { ZERO_CAPACITY, exceededDimensions, subtractCapacity, sumCapacity } from './capacity';
import { CML_WORKER_STATUS_EVENTS, type CmlWorkerEvent } from './cml-worker.events';
import { CmlWorkerState, type CmlWorkerStateInput } from './cml-worker.state';
import { DEFAULT_PORT_RANGE, freePortCount, pickLowestFreePorts, portsOf, usedPorts } from './port-allocator';
import {
  CapacityExceededError,
  type NotAcceptingReason,
  PortConflictError,
  PortsExhaustedError,
  WorkerNotAcceptingError,
} from './worker.errors';
import { CML_WORKER_MACHINE, workerStatusForImportedEc2State } from './worker.transitions';

export interface CreateWorkerInput {
  id: string;
  name: string;
  aws_region: string;
  template: WorkerTemplate;
  origin: Extract<WorkerOrigin, 'user_created' | 'scale_up'>;
  created_by: string | null;
}

export interface ImportWorkerInput {
  id: string;
  name: string;
  aws_region: string;
  /** Null when the operator named an AMI to search by; the worker-controller then finds the instance. */
  aws_instance_id: string | null;
  ami_id?: string | null;
  ami_name?: string | null;
  created_by?: string | null;
  ec2_state: string;
  /** Decision 13: without a template or explicit capacity the worker is kept but never placeable. */
  template?: WorkerTemplate | null;
  declared_capacity?: Capacity | null;
  license_type?: LicenseType | null;
}

/** Fields controllers report from EC2, CML and CloudWatch; they never move the status. */
export type WorkerObservation = Partial<
  Pick<
    CmlWorkerState,
    | 'aws_instance_id'
    | 'start_initiated_at'
    | 'stop_initiated_at'
    | 'instance_type'
    | 'ami_id'
    | 'ami_name'
    | 'ami_description'
    | 'ami_creation_date'
    | 'public_ip'
    | 'private_ip'
    | 'aws_tags'
    | 'ec2_instance_state_detail'
    | 'ec2_system_status_check'
    | 'ec2_last_checked_at'
    | 'https_endpoint'
    | 'license'
    | 'metrics'
    | 'cloudwatch'
    | 'activity'
  >
>;

interface TransitionOptions {
  reason?: string | null;
  actor?: string | null;
}

export class CmlWorker extends AggregateRoot<CmlWorkerState, CmlWorkerEvent> {
  protected readonly aggregateType = 'cml_worker' as const;

  static create(input: CreateWorkerInput, clock: Clock): CmlWorker {
    const at = clock.now().toISOString();
    const range = input.template.portRange;
    const worker = new CmlWorker(
      CmlWorkerState.parse({
        id: input.id,
        version: 0,
        created_at: at,
        updated_at: at,
        name: input.name,
        aws_region: input.aws_region,
        template_id: input.template.id,
        template_name: input.template.name,
        origin: input.origin,
        created_by: input.created_by,
        status: 'PENDING',
        status_history: [{ from: null, to: 'PENDING', at, reason: 'created', actor: input.created_by }],
        declared_capacity: input.template.declaredCapacity,
        license_type: input.template.licenseType,
        port_range_start: range.start,
        port_range_end: range.end,
      }),
      clock,
    );
    // `from`/`to` like every status change, so the audit entry records the first status (decision 15).
    worker.raise('cml_worker.created', {
      name: input.name,
      status: 'PENDING',
      origin: input.origin,
      from: null,
      to: 'PENDING',
    });
    return worker;
  }

  static importFromEc2(input: ImportWorkerInput, clock: Clock): CmlWorker {
    const at = clock.now().toISOString();
    const status = workerStatusForImportedEc2State(input.ec2_state);
    const range = input.template?.portRange ?? DEFAULT_PORT_RANGE;
    const worker = new CmlWorker(
      CmlWorkerState.parse({
        id: input.id,
        version: 0,
        created_at: at,
        updated_at: at,
        name: input.name,
        aws_region: input.aws_region,
        template_id: input.template?.id ?? null,
        template_name: input.template?.name ?? null,
        origin: 'ec2_discovery',
        status,
        status_history: [
          {
            from: null,
            to: status,
            at,
            reason: `imported from EC2 state ${input.ec2_state}`,
            actor: input.created_by ?? null,
          },
        ],
        desired_status: status === 'STOPPED' || status === 'STOPPING' ? 'stopped' : 'running',
        aws_instance_id: input.aws_instance_id,
        ami_id: input.ami_id ?? null,
        ami_name: input.ami_name ?? null,
        created_by: input.created_by ?? null,
        declared_capacity: input.declared_capacity ?? input.template?.declaredCapacity ?? null,
        license_type: input.license_type ?? input.template?.licenseType ?? null,
        port_range_start: range.start,
        port_range_end: range.end,
      }),
      clock,
    );
    worker.raise('cml_worker.created', {
      name: input.name,
      status,
      origin: 'ec2_discovery',
      from: null,
      to: status,
    });
    return worker;
  }

  static fromState(state: CmlWorkerStateInput, clock: Clock): CmlWorker {
    return new CmlWorker(CmlWorkerState.parse(state), clock);
  }

  get name(): string {
    return this.state.name;
  }

  get status(): CmlWorkerStatus {
    return this.state.status;
  }

  get serviceStatus(): CmlServiceStatus {
    return this.state.service_status;
  }

  get desiredStatus(): WorkerDesiredStatus {
    return this.state.desired_status;
  }

  get region(): string {
    return this.state.aws_region;
  }

  get licenseType(): LicenseType | null {
    return this.state.license_type;
  }

  get sessionIds(): readonly string[] {
    return [...this.state.session_ids];
  }

  get declaredCapacity(): Capacity | null {
    return this.state.declared_capacity ? { ...this.state.declared_capacity } : null;
  }

  get allocatedCapacity(): Capacity {
    return { ...this.state.allocated_capacity };
  }

  /** Declared − allocated; none at all when nothing is declared (decision 13). */
  get availableCapacity(): Capacity {
    return this.state.declared_capacity
      ? subtractCapacity(this.state.declared_capacity, this.state.allocated_capacity)
      : { ...ZERO_CAPACITY };
  }

  get portRange(): { start: number; end: number } {
    return { start: this.state.port_range_start, end: this.state.port_range_end };
  }

  get portAllocations(): readonly PortAllocation[] {
    return structuredClone(this.state.port_allocations);
  }

  get freePortCount(): number {
    return freePortCount(this.portRange, this.state.port_allocations);
  }

  /** The reason the worker would refuse a new session now, or null when it accepts. */
  get notAcceptingReason(): NotAcceptingReason | null {
    if (this.state.status !== 'RUNNING') return 'not_running';
    if (this.state.service_status !== 'AVAILABLE') return 'service_not_available';
    if (!this.state.declared_capacity) return 'capacity_undeclared';
    return null;
  }

  /** Decision 22: listed in the definition's affinity, or ENTERPRISE (a superset); an empty affinity accepts any. */
  satisfiesLicenseAffinity(affinity: readonly LicenseType[]): boolean {
    return licenseSatisfiesAffinity(this.state.license_type, affinity);
  }

  portsHeldBy(holderId: string): PortMap | null {
    const allocation = this.state.port_allocations.find((candidate) => candidate.holder_id === holderId);
    return allocation ? { ...allocation.ports } : null;
  }

  // ---- lifecycle (spec §4.3) ----

  retryProvisioning(actor: string | null = null): void {
    this.transitionTo('PENDING', { reason: 'retry_provisioning', actor });
  }

  markProvisioning(input: { aws_instance_id?: string } = {}): void {
    if (!this.transitionTo('PROVISIONING', { reason: 'ec2_launched' })) return;
    if (input.aws_instance_id) this.state.aws_instance_id = input.aws_instance_id;
    this.state.start_initiated_at = this.now();
  }

  markStarting(actor: string | null = null): void {
    if (!this.transitionTo('STARTING', { reason: 'starting', actor })) return;
    this.state.start_initiated_at = this.now();
  }

  /** CML answered; the endpoint and service status come with it so the worker becomes placeable in one step. */
  markRunning(input: { https_endpoint?: string; service_status?: CmlServiceStatus } = {}): void {
    if (!this.transitionTo('RUNNING', { reason: 'running' })) return;
    if (input.https_endpoint) this.state.https_endpoint = input.https_endpoint;
    if (input.service_status) this.setServiceStatus(input.service_status);
  }

  /** Keeps its sessions, takes no new ones, then stops (a drain also sets desired stopped). */
  drain(input: { reason: string; requested_by: string | null }): void {
    if (!this.transitionTo('DRAINING', { reason: input.reason, actor: input.requested_by })) return;
    this.state.drain_started_at = this.now();
    this.state.drain_reason = input.reason;
    this.state.drain_requested_by = input.requested_by;
    this.setDesiredStatus('stopped', input.requested_by);
  }

  cancelDrain(actor: string | null = null): void {
    if (this.state.status === 'RUNNING') return;
    // PROVISIONING/STARTING → RUNNING are table edges too, but they are not a cancelled drain.
    if (this.state.status !== 'DRAINING')
      throw new InvalidTransitionError('WORKER', this.id, this.state.status, 'RUNNING');
    const drainReason = this.state.drain_reason;
    this.transitionTo('RUNNING', { reason: 'drain_cancelled', actor });
    this.state.drain_started_at = null;
    this.state.drain_reason = null;
    this.state.drain_requested_by = null;
    this.setDesiredStatus('running', actor);
    this.raise('cml_worker.drain_cancelled', { drain_reason: drainReason });
  }

  stop(input: { requested_by: string | null; pause_reason?: PauseReason } = { requested_by: null }): void {
    if (!this.transitionTo('STOPPING', { reason: input.pause_reason ?? 'stop', actor: input.requested_by }))
      return;
    this.state.stop_initiated_at = this.now();
    this.setDesiredStatus('stopped', input.requested_by);
    if (input.pause_reason) this.recordPause(input.pause_reason, input.requested_by);
  }

  /** A stopped worker has no address, endpoint or live figures; stale ones would mislead placement and the dashboard. */
  markStopped(): void {
    if (!this.transitionTo('STOPPED', { reason: 'ec2_stopped' })) return;
    this.clearRuntimeObservations();
  }

  /** Begins EC2 termination (SHUTTING_DOWN); the instance being gone is `markTerminated`. */
  terminate(requestedBy: string | null): void {
    if (!this.transitionTo('SHUTTING_DOWN', { reason: 'terminate', actor: requestedBy })) return;
    this.state.terminated_by = requestedBy;
    this.setDesiredStatus('terminated', requestedBy);
  }

  markTerminated(
    input: { reason: string; terminated_by?: string | null } = { reason: 'ec2_terminated' },
  ): void {
    if (!this.transitionTo('TERMINATED', { reason: input.reason, actor: input.terminated_by ?? null }))
      return;
    this.state.terminated_at = this.now();
    this.state.termination_reason = input.reason;
    if (input.terminated_by !== undefined) this.state.terminated_by = input.terminated_by;
    this.clearRuntimeObservations();
  }

  markFailed(reason: string): void {
    if (!this.transitionTo('FAILED', { reason })) return;
    this.state.failure_reason = reason;
  }

  markUnknown(reason: string): void {
    this.transitionTo('UNKNOWN', { reason });
  }

  requestDesiredStatus(desired: WorkerDesiredStatus, requestedBy: string | null): void {
    this.setDesiredStatus(desired, requestedBy);
  }

  setServiceStatus(next: CmlServiceStatus): void {
    const from = this.state.service_status;
    if (from === next) return;
    this.state.service_status = next;
    this.touch();
    this.raise('cml_worker.service_status_changed', { from, to: next });
  }

  observe(observation: WorkerObservation): void {
    const fields = Object.keys(observation);
    if (fields.length === 0) return;
    Object.assign(this.state, structuredClone(observation));
    this.touch();
    this.raise('cml_worker.observed', { fields });
  }

  // ---- capacity and ports (spec §3.5, decisions 3, 13, 20) ----

  /**
   * Assigns the session, allocates its demand and reserves the lowest free ports for `portNames`
   * in one step, so placement can never oversubscribe either. Repeating it for a session that
   * already holds an allocation returns the ports it holds and re-stamps the allocation, so a
   * repair that gives back allocations of sessions that never got scheduled (it waits for them to
   * age) cannot take one a placement in progress is reusing: the re-stamp is a write it conflicts with.
   */
  allocate(sessionId: string, demand: Capacity, portNames: readonly string[]): PortMap {
    const held = this.state.capacity_allocations.find((allocation) => allocation.session_id === sessionId);
    if (held) {
      const at = this.now();
      held.allocated_at = at;
      const ports = this.state.port_allocations.find((allocation) => allocation.holder_id === sessionId);
      if (ports) ports.allocated_at = at;
      this.touch();
      return this.portsHeldBy(sessionId) ?? {};
    }
    const refusal = this.notAcceptingReason;
    if (refusal) throw new WorkerNotAcceptingError(this.id, refusal);
    const exceeded = exceededDimensions(demand, this.availableCapacity);
    if (exceeded.length > 0) throw new CapacityExceededError(this.id, exceeded);
    const ports = pickLowestFreePorts(this.portRange, usedPorts(this.state.port_allocations), portNames);
    if (!ports) throw new PortsExhaustedError(this.id, portNames.length, this.freePortCount);

    const at = this.now();
    this.state.capacity_allocations.push({
      session_id: sessionId,
      capacity: { ...demand },
      allocated_at: at,
    });
    if (portNames.length > 0)
      this.state.port_allocations.push({
        holder_id: sessionId,
        holder_kind: 'session',
        ports,
        allocated_at: at,
      });
    if (!this.state.session_ids.includes(sessionId)) this.state.session_ids.push(sessionId);
    this.resumAllocated();
    this.touch();
    this.raise('cml_worker.capacity_allocated', {
      session_id: sessionId,
      capacity: { ...demand },
      ports,
      allocated_capacity: this.allocatedCapacity,
    });
    return { ...ports };
  }

  /** Removes the session with its capacity and any ports it still holds itself; false when it held nothing. */
  release(sessionId: string): boolean {
    const allocation = this.state.capacity_allocations.find(
      (candidate) => candidate.session_id === sessionId,
    );
    const ports = this.removePortAllocation(sessionId, 'session');
    const wasAssigned = this.state.session_ids.includes(sessionId);
    if (!allocation && !ports && !wasAssigned) return false;
    this.state.capacity_allocations = this.state.capacity_allocations.filter(
      (candidate) => candidate.session_id !== sessionId,
    );
    this.state.session_ids = this.state.session_ids.filter((id) => id !== sessionId);
    this.resumAllocated();
    this.touch();
    this.raise('cml_worker.capacity_released', {
      session_id: sessionId,
      capacity: allocation ? allocation.capacity : { ...ZERO_CAPACITY },
      released_ports: ports ?? {},
      allocated_capacity: this.allocatedCapacity,
    });
    return true;
  }

  /** A session that reuses a lab drops its own reservation and takes the lab's ports (decision 20). */
  releaseSessionPorts(sessionId: string): PortMap | null {
    return this.releaseHolderPorts(sessionId, 'session');
  }

  /** A cold import writes the session's ports into the lab, which then holds them until it is deleted. */
  transferPortsToLab(sessionId: string, labRecordId: string): PortMap {
    const allocation = this.state.port_allocations.find(
      (candidate) => candidate.holder_id === sessionId && candidate.holder_kind === 'session',
    );
    if (!allocation) {
      const held = this.portsHeldBy(labRecordId);
      if (held) return held;
      throw new PortConflictError(this.id, [], `are not reserved by session ${sessionId}`);
    }
    allocation.holder_id = labRecordId;
    allocation.holder_kind = 'lab_record';
    this.touch();
    this.raise('cml_worker.ports_transferred', {
      session_id: sessionId,
      lab_record_id: labRecordId,
      ports: { ...allocation.ports },
    });
    return { ...allocation.ports };
  }

  /** Records ports a lab found on the worker already uses, refusing a clash with any other holder. */
  claimLabPorts(labRecordId: string, ports: PortMap): void {
    const requested = portsOf(ports);
    const range = this.portRange;
    const outside = requested.filter((port) => port < range.start || port > range.end);
    if (outside.length > 0)
      throw new PortConflictError(this.id, outside, `lie outside ${range.start}-${range.end}`);
    const others = usedPorts(
      this.state.port_allocations.filter((allocation) => allocation.holder_id !== labRecordId),
    );
    const clashes = requested.filter((port) => others.has(port));
    if (clashes.length > 0)
      throw new PortConflictError(this.id, clashes, 'are held by another session or lab');
    if (new Set(requested).size !== requested.length)
      throw new PortConflictError(this.id, requested, 'repeat a port');
    const existing = this.state.port_allocations.find((allocation) => allocation.holder_id === labRecordId);
    if (existing && JSON.stringify(existing.ports) === JSON.stringify(ports)) return;
    this.removePortAllocation(labRecordId, 'lab_record');
    this.state.port_allocations.push({
      holder_id: labRecordId,
      holder_kind: 'lab_record',
      ports: { ...ports },
      allocated_at: this.now(),
    });
    this.touch();
    this.raise('cml_worker.ports_claimed', { lab_record_id: labRecordId, ports: { ...ports } });
  }

  /** The lab was deleted: its ports become free at once. */
  releaseLabPorts(labRecordId: string): PortMap | null {
    return this.releaseHolderPorts(labRecordId, 'lab_record');
  }

  /**
   * Rebuilds the allocation from the sessions that still hold capacity (spec §3.5 recalculation).
   * The caller passes the sessions whose `holdsCapacity` is true (decision 3, which also drops
   * STOPPED ones) with their definitions' demand, and the ports of those that still hold their own
   * reservation (no lab yet): a holder whose ports the worker lost gets them back unless another
   * holder has them now. Ports of the lab records in `retiredLabIds` (DELETED or ARCHIVED) are
   * freed: a release cut short by a crash, or never made, is repaired here.
   */
  recalculateCapacity(
    active: ReadonlyArray<{ session_id: string; capacity: Capacity; ports?: PortMap }>,
    retiredLabIds: ReadonlySet<string> = new Set(),
  ): void {
    const at = this.now();
    const previous = new Map(
      this.state.capacity_allocations.map((allocation) => [allocation.session_id, allocation.allocated_at]),
    );
    this.state.capacity_allocations = active.map((entry) => ({
      session_id: entry.session_id,
      capacity: { ...entry.capacity },
      allocated_at: previous.get(entry.session_id) ?? at,
    }));
    this.state.session_ids = active.map((entry) => entry.session_id);
    const keep = new Set(this.state.session_ids);
    this.state.port_allocations = this.state.port_allocations.filter((allocation) =>
      allocation.holder_kind === 'lab_record'
        ? !retiredLabIds.has(allocation.holder_id)
        : keep.has(allocation.holder_id),
    );
    for (const entry of active) {
      if (!entry.ports || Object.keys(entry.ports).length === 0 || this.portsHeldBy(entry.session_id))
        continue;
      const taken = usedPorts(this.state.port_allocations);
      if (portsOf(entry.ports).some((port) => taken.has(port))) continue;
      this.state.port_allocations.push({
        holder_id: entry.session_id,
        holder_kind: 'session',
        ports: { ...entry.ports },
        allocated_at: previous.get(entry.session_id) ?? at,
      });
    }
    this.resumAllocated();
    this.touch();
    this.raise('cml_worker.capacity_recalculated', {
      allocated_capacity: this.allocatedCapacity,
      session_ids: [...this.state.session_ids],
    });
  }

  private transitionTo(to: CmlWorkerStatus, options: TransitionOptions): boolean {
    const from = this.state.status;
    const at = this.now();
    if (
      !applyTransition(
        CML_WORKER_MACHINE,
        this.state,
        to,
        { at, reason: options.reason ?? null, actor: options.actor ?? null },
        50,
      )
    )
      return false;
    this.raise(CML_WORKER_STATUS_EVENTS[to], {
      from,
      to,
      reason: options.reason ?? null,
      session_ids: [...this.state.session_ids],
    });
    return true;
  }

  private setDesiredStatus(desired: WorkerDesiredStatus, requestedBy: string | null): void {
    const from = this.state.desired_status;
    if (from === desired) return;
    this.state.desired_status = desired;
    this.touch();
    this.raise('cml_worker.desired_status_changed', { from, to: desired, requested_by: requestedBy });
  }

  private recordPause(reason: PauseReason, by: string | null): void {
    const activity = this.state.activity;
    activity.last_paused_at = this.now();
    activity.paused_by = by;
    activity.pause_reason = reason;
    if (reason === 'idle_timeout') activity.auto_pause_count += 1;
    else activity.manual_pause_count += 1;
  }

  private clearRuntimeObservations(): void {
    const cleared = CmlWorkerState.pick({ metrics: true, cloudwatch: true }).parse({});
    this.state.public_ip = null;
    this.state.private_ip = null;
    this.state.https_endpoint = null;
    this.state.metrics = cleared.metrics;
    this.state.cloudwatch = {
      ...cleared.cloudwatch,
      detailed_monitoring_enabled: this.state.cloudwatch.detailed_monitoring_enabled,
    };
    this.setServiceStatus('UNAVAILABLE');
  }

  private releaseHolderPorts(holderId: string, kind: PortAllocation['holder_kind']): PortMap | null {
    const ports = this.removePortAllocation(holderId, kind);
    if (!ports) return null;
    this.touch();
    this.raise('cml_worker.ports_released', { holder_id: holderId, holder_kind: kind, ports });
    return ports;
  }

  private removePortAllocation(holderId: string, kind: PortAllocation['holder_kind']): PortMap | null {
    const allocation = this.state.port_allocations.find(
      (candidate) => candidate.holder_id === holderId && candidate.holder_kind === kind,
    );
    if (!allocation) return null;
    this.state.port_allocations = this.state.port_allocations.filter((candidate) => candidate !== allocation);
    return { ...allocation.ports };
  }

  private resumAllocated(): void {
    this.state.allocated_capacity = sumCapacity(
      this.state.capacity_allocations.map((allocation) => allocation.capacity),
    );
  }
}
