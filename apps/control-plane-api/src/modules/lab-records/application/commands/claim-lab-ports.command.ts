import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type LabRecord, type PortMap } from '@lcm/contracts';
import { type CmlWorkerState, type LabRecordState, PortConflictError } from '@lcm/domain';
import { CommitRecorder } from '../../../../platform/commit/commit-recorder';
import { ApiError } from '../../../../platform/http/api-error';
import { type Committed } from '../../../../platform/mongo/aggregate-repository';
import { fingerprint, retryOnConflict, saveIfChanged } from '../../../../platform/mongo/unit-of-work';
import {
  CmlWorkerRepository,
  WorkersEtcdProjector,
  WorkerViewFactory,
  workerNotifications,
} from '../../../workers';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';
import { toLabRecordView } from '../../infrastructure/lab-record.views';
import { LabRecordChanges } from '../lab-record-changes';

const PORTS_FIELD = 'body.allocated_ports';

export class ClaimLabPortsCommand extends Command<LabRecord> {
  constructor(
    readonly labRecordId: string,
    readonly ports: PortMap,
    readonly actor: string,
  ) {
    super();
  }
}

const samePorts = (left: PortMap, right: PortMap): boolean =>
  Object.keys(left).length === Object.keys(right).length &&
  Object.entries(left).every(([name, port]) => right[name] === port);

/**
 * Spec §7.3.4: discovery registers the ports a lab found on its worker already uses, so the
 * scheduler never hands them to a new session. As when a session's cold import hands its ports to
 * its lab (BindSessionLabHandler), the worker is saved before the lab record and both steps are
 * idempotent: a crash in between leaves the ports held on the worker (never handed out twice) and
 * the next scan's call completes the record; the ports go free again once the lab is DELETED
 * (the capacity reconciler frees the ports of retired lab records).
 */
@CommandHandler(ClaimLabPortsCommand)
export class ClaimLabPortsHandler implements ICommandHandler<ClaimLabPortsCommand> {
  constructor(
    @Inject(LabRecordRepository) private readonly labs: LabRecordRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(LabRecordChanges) private readonly labChanges: LabRecordChanges,
    @Inject(WorkersEtcdProjector) private readonly workerKeys: WorkersEtcdProjector,
    @Inject(WorkerViewFactory) private readonly workerViews: WorkerViewFactory,
  ) {}

  async execute({ labRecordId, ports, actor }: ClaimLabPortsCommand): Promise<LabRecord> {
    return retryOnConflict(async () => {
      const lab = await this.labs.getById(labRecordId);
      const held = lab.allocatedPorts;
      if (!lab.isTerminal && Object.keys(held).length > 0 && !samePorts(held, ports))
        throw new ApiError('CONFLICT', `lab record ${lab.id} already holds other ports`, [
          { field: PORTS_FIELD, message: `the record holds ${JSON.stringify(held)}` },
        ]);
      const labBefore = fingerprint(lab);
      lab.claimPorts(ports);
      const worker = await this.workers.getById(lab.workerId);
      const workerBefore = fingerprint(worker);
      try {
        worker.claimLabPorts(lab.id, ports);
      } catch (error) {
        if (error instanceof PortConflictError) throw portClash(error, ports);
        throw error;
      }
      const workerCommitted = await saveIfChanged(this.workers, worker, workerBefore);
      const labCommitted = await saveIfChanged(this.labs, lab, labBefore);
      await this.record(actor, workerCommitted, labCommitted);
      return toLabRecordView(labCommitted?.state ?? lab.toState());
    });
  }

  /** Audit, etcd keys and SSE of both documents, as the worker and lab-record commands record theirs. */
  private async record(
    actor: string,
    worker: Committed<CmlWorkerState> | null,
    lab: Committed<LabRecordState> | null,
  ): Promise<void> {
    if (worker)
      await this.commits.record({
        events: worker.events,
        actor,
        notifications: workerNotifications(worker.events, this.workerViews.of(worker.state)),
        project: () => this.workerKeys.project(worker.state),
      });
    if (lab) await this.labChanges.recordCommit(lab, actor);
  }
}

/** 409 naming every requested port the worker refuses, by its port name. */
function portClash(error: PortConflictError, ports: PortMap): ApiError {
  const refused = new Set(error.ports);
  return new ApiError(
    'CONFLICT',
    error.message,
    Object.entries(ports)
      .filter(([, port]) => refused.has(port))
      .map(([name, port]) => ({
        field: `${PORTS_FIELD}.${name}`,
        message: `port ${port} is among the ports that ${error.detail}`,
      })),
  );
}
