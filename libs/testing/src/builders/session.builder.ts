import { LabletSessionStatus, type PortMap } from '@lcm/contracts';
import {
  type Clock,
  type CmlWorker,
  type LabRecord,
  type LabletDefinition,
  LabletSession,
  type LabletSessionStateInput,
  SESSION_STATUSES_WITH_WORKER,
} from '@lcm/domain';
import { StateBuilder, nextTestId } from './state-builder';

// The contract lists the statuses in lifecycle order; EXPIRED and TERMINATED leave the lifecycle from any point.
const ORDER: readonly LabletSessionStatus[] = LabletSessionStatus.options.filter(
  (status) => status !== 'EXPIRED' && status !== 'TERMINATED',
);
const reached = (status: LabletSessionStatus, milestone: LabletSessionStatus): boolean =>
  ORDER.indexOf(status) >= ORDER.indexOf(milestone);

export class LabletSessionBuilder extends StateBuilder<LabletSessionStateInput, LabletSession> {
  private status: LabletSessionStatus = 'PENDING';
  private workerId: string | null = null;
  private ports: PortMap | null = null;
  private labId: string | null = null;

  inState(status: LabletSessionStatus): this {
    this.status = status;
    return this;
  }

  onWorker(worker: CmlWorker | string): this {
    this.workerId = typeof worker === 'string' ? worker : worker.id;
    return this;
  }

  withPorts(ports: PortMap): this {
    this.ports = ports;
    return this;
  }

  withLab(lab: LabRecord | string): this {
    this.labId = typeof lab === 'string' ? lab : lab.id;
    return this;
  }

  forDefinition(definition: LabletDefinition): this {
    return this.with({
      definition_id: definition.id,
      definition_name: definition.name,
      definition_version: definition.semver,
    });
  }

  withTimeslot(start: Date | string, end: Date | string): this {
    return this.with({
      timeslot_start: new Date(start).toISOString(),
      timeslot_end: new Date(end).toISOString(),
    });
  }

  /** Fills what the status implies (spec §3.2): worker and ports from SCHEDULED on, lab and children later. */
  protected defaults(at: string, clock: Clock): LabletSessionStateInput {
    const id = nextTestId('session');
    const status = this.status;
    const inLifecycle = ORDER.includes(status);
    const withWorker = SESSION_STATUSES_WITH_WORKER.includes(status) || this.workerId !== null;
    const labBound = this.labId !== null || (inLifecycle && reached(status, 'READY'));
    const start = clock.now().getTime();
    return {
      id,
      version: 1,
      created_at: at,
      updated_at: at,
      definition_id: 'definition-default',
      definition_version: '1.0.0',
      definition_name: 'lab-default',
      owner: 'candidate@example.com',
      timeslot_start: new Date(start).toISOString(),
      timeslot_end: new Date(start + 60 * 60_000).toISOString(),
      status,
      status_history: [{ from: null, to: status, at, reason: 'built', actor: null }],
      worker_id: withWorker ? (this.workerId ?? 'worker-default') : null,
      scheduled_at: withWorker ? at : null,
      allocated_ports: withWorker ? (this.ports ?? { r1_console: 2000, r2_console: 2001 }) : {},
      lab_record_id: labBound ? (this.labId ?? `lab-of-${id}`) : null,
      cml_lab_id: labBound ? `cml-${id}` : null,
      user_session_id: inLifecycle && reached(status, 'READY') ? `user-session-of-${id}` : null,
      started_at: inLifecycle && reached(status, 'RUNNING') ? at : null,
      ended_at: inLifecycle && reached(status, 'COLLECTING') ? at : null,
      grading_session_id: inLifecycle && reached(status, 'GRADING') ? `grading-of-${id}` : null,
      expiry_reason: status === 'EXPIRED' ? 'timeslot_missed' : null,
      terminated_at: status === 'TERMINATED' ? at : null,
      termination_reason: status === 'TERMINATED' ? 'built' : null,
      desired_status: status === 'TERMINATED' ? 'terminated' : 'running',
    };
  }

  protected reconstitute(state: LabletSessionStateInput, clock: Clock): LabletSession {
    return LabletSession.fromState(state, clock);
  }
}

export const aSession = (): LabletSessionBuilder => new LabletSessionBuilder();
