import type { LabPendingAction, LabRecordStatus, PortMap } from '@lcm/contracts';
import { type Clock, type CmlWorker, LabRecord, type LabRecordStateInput } from '@lcm/domain';
import { StateBuilder, nextTestId } from './state-builder';

export class LabRecordBuilder extends StateBuilder<LabRecordStateInput, LabRecord> {
  private workerId = 'worker-default';

  inState(status: LabRecordStatus): this {
    return this.with({ status });
  }

  onWorker(worker: CmlWorker | string): this {
    this.workerId = typeof worker === 'string' ? worker : worker.id;
    return this;
  }

  /** Ports the lab holds since its cold import (decision 20). */
  withPorts(ports: PortMap): this {
    return this.with({ allocated_ports: ports });
  }

  basedOn(definitionId: string): this {
    return this.with({ based_on_definition_id: definitionId });
  }

  withPendingAction(action: LabPendingAction, at?: Date): this {
    return this.with({ pending_action: action, pending_action_at: at?.toISOString() ?? null });
  }

  usedBy(sessionId: string): this {
    return this.with({ active_lablet_session_id: sessionId });
  }

  protected defaults(at: string): LabRecordStateInput {
    const id = nextTestId('lab');
    return {
      id,
      version: 1,
      created_at: at,
      updated_at: at,
      runtime_binding: { runtime_type: 'CML', worker_id: this.workerId, lab_id: `cml-${id}` },
      title: `Lab ${id}`,
      status: 'DEFINED',
      source: 'import',
      first_seen_at: at,
    };
  }

  protected reconstitute(state: LabRecordStateInput, clock: Clock): LabRecord {
    const pendingAt = state.pending_action && !state.pending_action_at ? clock.now().toISOString() : state.pending_action_at;
    return LabRecord.fromState({ ...state, pending_action_at: pendingAt }, clock);
  }
}

export const aLabRecord = (): LabRecordBuilder => new LabRecordBuilder();
