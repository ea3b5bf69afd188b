import type {
  LabPendingAction,
  LabRunRecord,
  LabRecordSource,
  LabRecordStatus,
  PortMap,
  RevisionAuthor,
  RuntimeEnvironmentType,
  TopologySpec,
} from '@lcm/contracts';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import type { EventUnion } from '../shared/domain-event';
import { newId } from '../shared/ids';
import { applyTransition, canTransition, recordStatus } from '../shared/transition-table';
import {
  LabActionPendingError,
  LabIdFixedError,
  LabRecordTerminalError,
  NoPendingActionError,
} from './lab-record.errors';
import { LabRecordState, type LabMetadata, type LabRecordStateInput } from './lab-record.state';
import {
  LAB_RECORD_MACHINE,
  LAB_RECORD_TERMINAL_STATUSES,
  PENDING_ACTION_TARGETS,
} from './lab-record.transitions';
import { topologyChecksum } from './topology-checksum';

const HISTORY_LIMIT = 50;

type StatusPayload = {
  from: LabRecordStatus | null;
  to: LabRecordStatus;
  reason: string | null;
  worker_id: string;
};

export type LabRecordEvent = EventUnion<{
  'lab_record.created': StatusPayload & { source: LabRecordSource };
  'lab_record.status_changed': StatusPayload;
  'lab_record.action_requested': { action: LabPendingAction; requested_by: string | null };
  'lab_record.action_completed': { action: LabPendingAction; status: LabRecordStatus; applied: boolean };
  'lab_record.action_failed': { action: LabPendingAction; error: string };
  /** R4: an explicit fact that the pending-action key can be removed. */
  'lab_record.pending_action_cleared': { action: LabPendingAction };
  'lab_record.topology_updated': { revision: number; topology_checksum: string };
  'lab_record.metadata_updated': { fields: string[] };
  'lab_record.run_recorded': { run_id: string };
  'lab_record.cml_lab_assigned': { worker_id: string; lab_id: string; previous_lab_id: string };
  'lab_record.ports_assigned': { ports: PortMap };
  'lab_record.ports_released': { worker_id: string; ports: PortMap };
  'lab_record.session_attached': { lablet_session_id: string };
  'lab_record.session_detached': { lablet_session_id: string };
}>;

interface NewLabInput {
  id: string;
  worker_id: string;
  lab_id: string;
  runtime_type?: RuntimeEnvironmentType;
  metadata?: LabMetadata;
  based_on_definition_id?: string | null;
  topology_spec?: TopologySpec | null;
}

export class LabRecord extends AggregateRoot<LabRecordState, LabRecordEvent> {
  protected readonly aggregateType = 'lab_record' as const;

  /** Discovery found a lab LCM did not know. */
  static discover(input: NewLabInput, clock: Clock): LabRecord {
    return LabRecord.open(input, 'DISCOVERED', 'discovery', clock);
  }

  /** Import, clone or LC's cold import registers the lab before CML has it. */
  static beginImport(
    input: NewLabInput & { source: Extract<LabRecordSource, 'import' | 'clone'> },
    clock: Clock,
  ): LabRecord {
    return LabRecord.open(input, 'IMPORTING', input.source, clock);
  }

  static fromState(state: LabRecordStateInput, clock: Clock): LabRecord {
    return new LabRecord(LabRecordState.parse(state), clock);
  }

  private static open(
    input: NewLabInput,
    status: 'DISCOVERED' | 'IMPORTING',
    source: LabRecordSource,
    clock: Clock,
  ): LabRecord {
    const at = clock.now().toISOString();
    const topology = input.topology_spec ?? null;
    const lab = new LabRecord(
      LabRecordState.parse({
        ...input.metadata,
        id: input.id,
        version: 0,
        created_at: at,
        updated_at: at,
        runtime_binding: {
          runtime_type: input.runtime_type ?? 'CML',
          worker_id: input.worker_id,
          lab_id: input.lab_id,
        },
        status,
        status_history: [{ from: null, to: status, at, reason: source, actor: null }],
        source,
        based_on_definition_id: input.based_on_definition_id ?? null,
        first_seen_at: at,
        last_synced_at: source === 'discovery' ? at : null,
      }),
      clock,
    );
    lab.raise('lab_record.created', {
      from: null,
      to: status,
      reason: source,
      worker_id: input.worker_id,
      source,
    });
    if (topology)
      lab.recordTopology(topology, source === 'discovery' ? 'discovery' : 'import', 'initial topology');
    return lab;
  }

  get status(): LabRecordStatus {
    return this.state.status;
  }

  get workerId(): string {
    return this.state.runtime_binding.worker_id;
  }

  get labId(): string {
    return this.state.runtime_binding.lab_id;
  }

  get pendingAction(): LabPendingAction | null {
    return this.state.pending_action;
  }

  get allocatedPorts(): PortMap {
    return { ...this.state.allocated_ports };
  }

  get basedOnDefinitionId(): string | null {
    return this.state.based_on_definition_id;
  }

  get activeSessionId(): string | null {
    return this.state.active_lablet_session_id;
  }

  get revision(): number {
    return this.state.revision;
  }

  get isTerminal(): boolean {
    return LAB_RECORD_TERMINAL_STATUSES.includes(this.state.status);
  }

  get openRunId(): string | null {
    return this.openRun()?.run_id ?? null;
  }

  // ---- pending actions (spec §4.2: the status does not move at request time) ----

  requestAction(action: LabPendingAction, requestedBy: string | null = null): void {
    this.assertNotTerminal();
    if (this.state.pending_action === action) return;
    if (this.state.pending_action !== null)
      throw new LabActionPendingError(this.id, this.state.pending_action, action);
    this.state.pending_action = action;
    this.state.pending_action_at = this.now();
    this.state.pending_action_error = null;
    this.touch();
    this.raise('lab_record.action_requested', { action, requested_by: requestedBy });
  }

  /**
   * Clears the action and applies its outcome when the table allows it (otherwise the status stays);
   * start opens a run, stop/wipe/delete close the open one. A repeated completion is a no-op.
   */
  completeAction(action: LabPendingAction): void {
    const target = PENDING_ACTION_TARGETS[action];
    if (this.state.pending_action !== action) {
      if (this.state.pending_action === null && this.state.status === target) return;
      if (this.state.pending_action === null) throw new NoPendingActionError(this.id);
      throw new LabActionPendingError(this.id, this.state.pending_action, `completion of ${action}`);
    }
    this.clearPendingAction(action);
    const applied = canTransition(LAB_RECORD_MACHINE, this.state.status, target);
    if (applied) this.moveTo(target, `action_${action}`);
    if (action === 'start') this.openRunIfNone();
    else this.closeOpenRun(action);
    this.raise('lab_record.action_completed', { action, status: this.state.status, applied });
  }

  failAction(error: string, options: { transition_to_error?: boolean } = {}): void {
    const action = this.state.pending_action;
    if (action === null) throw new NoPendingActionError(this.id);
    this.clearPendingAction(action);
    this.state.pending_action_error = error;
    this.raise('lab_record.action_failed', { action, error });
    if (options.transition_to_error) this.markError(error);
  }

  /** R5: a pending action older than the stale timeout is failed; returns whether it was. */
  failStalePendingAction(staleAfterMinutes: number): boolean {
    const since = this.state.pending_action_at;
    if (this.state.pending_action === null || since === null) return false;
    if (this.clock.now().getTime() - Date.parse(since) < staleAfterMinutes * 60_000) return false;
    this.failAction(`Timed out after ${staleAfterMinutes} minutes`);
    return true;
  }

  /**
   * An import is registered before CML has assigned the lab its id; LC reports the id once the
   * import call returns. Only an IMPORTING record can learn it; the same id again is a no-op.
   */
  assignCmlLabId(labId: string): void {
    const previous = this.state.runtime_binding.lab_id;
    if (previous === labId) return;
    if (this.state.status !== 'IMPORTING') throw new LabIdFixedError(this.id, previous, labId);
    this.state.runtime_binding.lab_id = labId;
    this.touch();
    this.raise('lab_record.cml_lab_assigned', {
      worker_id: this.workerId,
      lab_id: labId,
      previous_lab_id: previous,
    });
  }

  // ---- status ----

  /** A status LC reports while carrying out an action (STARTING, QUEUED, ...); checked against the table. */
  observeStatus(status: LabRecordStatus, reason: string | null = 'observed'): void {
    this.moveTo(status, reason);
  }

  markError(error: string): void {
    const previous = this.state.status;
    if (!this.moveTo('ERROR', error)) return;
    this.state.previous_status_before_error = previous;
    this.state.last_error = error;
    this.state.last_error_at = this.now();
  }

  /** The worker or the lab on it is gone. */
  markOrphaned(reason = 'not_found_on_worker'): void {
    this.moveTo('ORPHANED', reason);
  }

  /** Follows the table (only STOPPED, WIPED or ORPHANED records archive) and refuses while an action is pending. */
  archive(actor: string | null = null): void {
    if (this.state.status === 'ARCHIVED') return;
    this.assertNotTerminal();
    if (this.state.pending_action !== null)
      throw new LabActionPendingError(this.id, this.state.pending_action, 'archive');
    this.moveTo('ARCHIVED', 'archived', actor);
  }

  /**
   * Discovery v2 (spec §7.3.4) writes the mapped CML status directly, outside the table, except
   * on terminal records and while an action is pending; an orphan that reappears is DISCOVERED.
   * R6: metadata no newer than the stored modification time is ignored.
   */
  syncFromDiscovery(input: {
    status: LabRecordStatus;
    modified_at?: string | null;
    metadata?: LabMetadata;
    topology_spec?: TopologySpec | null;
    based_on_definition_id?: string | null;
  }): void {
    if (this.isTerminal) return;
    const at = this.now();
    const next = this.state.status === 'ORPHANED' ? 'DISCOVERED' : input.status;
    if (this.state.pending_action === null && next !== this.state.status) {
      const from = this.state.status;
      recordStatus(this.state, next, { at, reason: 'discovery' }, HISTORY_LIMIT);
      this.raise('lab_record.status_changed', {
        from,
        to: next,
        reason: 'discovery',
        worker_id: this.workerId,
      });
    }
    const stored = this.state.modified_at;
    const fresh = !input.modified_at || !stored || Date.parse(input.modified_at) > Date.parse(stored);
    if (fresh) {
      if (input.metadata) this.updateMetadata(input.metadata);
      if (input.modified_at) this.state.modified_at = input.modified_at;
      if (input.topology_spec) this.recordTopology(input.topology_spec, 'discovery', 'changed on CML');
    }
    if (input.based_on_definition_id && this.state.based_on_definition_id === null)
      this.state.based_on_definition_id = input.based_on_definition_id;
    this.state.last_synced_at = at;
    this.state.updated_at = at;
  }

  updateMetadata(metadata: LabMetadata): void {
    const fields = Object.keys(metadata).filter(
      (key) =>
        JSON.stringify(metadata[key as keyof LabMetadata]) !==
        JSON.stringify(this.state[key as keyof LabMetadata]),
    );
    if (fields.length === 0) return;
    Object.assign(this.state, structuredClone(metadata));
    this.touch();
    this.raise('lab_record.metadata_updated', { fields });
  }

  /**
   * A new revision only when the checksum changes. A new record is revision 1 (with the topology
   * it was created with, if any); every later change counts up from there. Deleted and archived
   * records refuse changes like every other write.
   */
  recordTopology(spec: TopologySpec, author: RevisionAuthor, changeSummary: string | null): void {
    this.assertNotTerminal();
    const checksum = topologyChecksum(spec);
    if (this.state.topology_spec?.checksum === checksum) return;
    const creating = this.state.version === 0 && this.state.revision_history.length === 0;
    const revision = creating ? 1 : this.state.revision + 1;
    const at = this.now();
    this.state.topology_spec = { ...structuredClone(spec), checksum };
    this.state.revision = revision;
    this.state.node_count = spec.nodes.length;
    this.state.link_count = spec.links.length;
    this.state.revision_history.push({
      revision,
      topology_checksum: checksum,
      created_at: at,
      created_by: author,
      change_summary: changeSummary,
      node_count: spec.nodes.length,
      link_count: spec.links.length,
    });
    this.touch();
    this.raise('lab_record.topology_updated', { revision, topology_checksum: checksum });
  }

  // ---- sessions and ports (decision 20, AR-7) ----

  /** Ports reserved by the session that cold-imported this lab; they stay with the lab until it is deleted. */
  assignPorts(ports: PortMap): void {
    if (JSON.stringify(this.state.allocated_ports) === JSON.stringify(ports)) return;
    this.state.allocated_ports = { ...ports };
    this.touch();
    this.raise('lab_record.ports_assigned', { ports: { ...ports } });
  }

  /** Ports discovery found the lab using on its worker (spec §7.3.4); a retired record refuses them like any write. */
  claimPorts(ports: PortMap): void {
    this.assertNotTerminal();
    this.assignPorts(ports);
  }

  attachSession(sessionId: string): void {
    if (this.state.active_lablet_session_id === sessionId) return;
    this.state.active_lablet_session_id = sessionId;
    this.touch();
    this.raise('lab_record.session_attached', { lablet_session_id: sessionId });
  }

  detachSession(sessionId: string): void {
    if (this.state.active_lablet_session_id !== sessionId) return;
    this.state.active_lablet_session_id = null;
    this.touch();
    this.raise('lab_record.session_detached', { lablet_session_id: sessionId });
  }

  private moveTo(to: LabRecordStatus, reason: string | null, actor: string | null = null): boolean {
    const from = this.state.status;
    if (
      !applyTransition(LAB_RECORD_MACHINE, this.state, to, { at: this.now(), reason, actor }, HISTORY_LIMIT)
    )
      return false;
    this.raise('lab_record.status_changed', { from, to, reason, worker_id: this.workerId });
    if (to === 'DELETED') {
      this.releasePorts();
      // A deleted lab serves no session: left set, the record still looked in use (spec §3.3).
      if (this.state.active_lablet_session_id !== null)
        this.detachSession(this.state.active_lablet_session_id);
    }
    return true;
  }

  /** The record stops holding its ports (deleted, or a reservation the worker no longer keeps for it). */
  releasePorts(): void {
    const ports = this.state.allocated_ports;
    if (Object.keys(ports).length === 0) return;
    this.state.allocated_ports = {};
    this.touch();
    this.raise('lab_record.ports_released', { worker_id: this.workerId, ports });
  }

  private clearPendingAction(action: LabPendingAction): void {
    this.state.pending_action = null;
    this.state.pending_action_at = null;
    this.touch();
    this.raise('lab_record.pending_action_cleared', { action });
  }

  /** A run the lablet-controller reports (e.g. a session's start → stop); the same run id replaces it. */
  recordRun(run: LabRunRecord): void {
    this.state.run_history = this.state.run_history.filter((existing) => existing.run_id !== run.run_id);
    this.state.run_history.push({ ...run });
    this.trimRunHistory();
    this.touch();
    this.raise('lab_record.run_recorded', { run_id: run.run_id });
  }

  private trimRunHistory(): void {
    if (this.state.run_history.length > HISTORY_LIMIT)
      this.state.run_history.splice(0, this.state.run_history.length - HISTORY_LIMIT);
  }

  private openRun() {
    return this.state.run_history.find((run) => run.stopped_at === null);
  }

  private openRunIfNone(): void {
    if (this.openRun()) return;
    this.state.run_history.push({
      run_id: newId(),
      started_at: this.now(),
      stopped_at: null,
      duration_seconds: null,
      started_by: null,
      stop_reason: null,
      lablet_session_id: this.state.active_lablet_session_id,
      final_state: null,
    });
    this.trimRunHistory();
  }

  private closeOpenRun(action: LabPendingAction): void {
    const run = this.openRun();
    if (!run) return;
    const at = this.now();
    run.stopped_at = at;
    run.duration_seconds = Math.max(0, (Date.parse(at) - Date.parse(run.started_at)) / 1000);
    run.stop_reason = action;
    run.final_state = this.state.status;
  }

  private assertNotTerminal(): void {
    if (this.isTerminal) throw new LabRecordTerminalError(this.id, this.state.status);
  }
}
