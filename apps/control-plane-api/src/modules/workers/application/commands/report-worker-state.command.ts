import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type CmlWorkerStatus, type PatchWorkerBody } from '@lcm/contracts';
import { type CmlWorker, type WorkerObservation } from '@lcm/domain';
import { WorkerChanges } from '../worker-changes';

export class ReportWorkerStateCommand extends Command<CmlWorkerView> {
  constructor(
    readonly workerId: string,
    readonly report: PatchWorkerBody,
    readonly actor: string,
  ) {
    super();
  }
}

const OBSERVED_FIELDS = [
  'aws_instance_id',
  'start_initiated_at',
  'stop_initiated_at',
  'instance_type',
  'ami_id',
  'ami_name',
  'ami_description',
  'ami_creation_date',
  'public_ip',
  'private_ip',
  'ec2_instance_state_detail',
  'https_endpoint',
] as const;

/** The intent method for each status a controller reports (spec §4.3); the aggregate checks the table (409). */
function enterStatus(
  worker: CmlWorker,
  status: CmlWorkerStatus,
  report: PatchWorkerBody,
  actor: string,
): void {
  const reason = report.reason;
  switch (status) {
    case 'PENDING':
      return worker.retryProvisioning(actor);
    case 'PROVISIONING':
      return worker.markProvisioning(
        report.aws_instance_id ? { aws_instance_id: report.aws_instance_id } : {},
      );
    case 'STARTING':
      return worker.markStarting(actor);
    case 'RUNNING':
      // EC2 keeps running while a worker drains: that is no reason to leave DRAINING.
      if (worker.status === 'DRAINING') return;
      return worker.markRunning({
        ...(report.https_endpoint ? { https_endpoint: report.https_endpoint } : {}),
        ...(report.service_status ? { service_status: report.service_status } : {}),
      });
    case 'DRAINING':
      return worker.drain({ reason: reason ?? 'drain', requested_by: actor });
    case 'STOPPING':
      return worker.stop({ requested_by: actor });
    case 'STOPPED':
      return worker.markStopped();
    case 'SHUTTING_DOWN':
      return worker.terminate(actor);
    case 'TERMINATED':
      return worker.markTerminated({ reason: reason ?? 'ec2_terminated' });
    case 'FAILED':
      return worker.markFailed(reason ?? 'failed');
    case 'UNKNOWN':
      return worker.markUnknown(reason ?? 'ec2_state_unreadable');
  }
}

/**
 * The worker-controller's report of observed status, EC2 ids and addresses, service status and
 * endpoint (spec §5.3). A status that enters STOPPED or TERMINATED cascades to sessions and labs;
 * TERMINATED also deletes the worker's etcd keys.
 */
@CommandHandler(ReportWorkerStateCommand)
export class ReportWorkerStateHandler implements ICommandHandler<ReportWorkerStateCommand> {
  constructor(@Inject(WorkerChanges) private readonly changes: WorkerChanges) {}

  async execute({ workerId, report, actor }: ReportWorkerStateCommand): Promise<CmlWorkerView> {
    const committed = await this.changes.update(workerId, actor, (worker) => {
      if (report.status) enterStatus(worker, report.status, report, actor);
      if (report.service_status) worker.setServiceStatus(report.service_status);
      const state = worker.toState();
      const changed = OBSERVED_FIELDS.filter(
        (field) => report[field] !== undefined && report[field] !== state[field],
      );
      worker.observe(Object.fromEntries(changed.map((field) => [field, report[field]])) as WorkerObservation);
    });
    return committed.view;
  }
}
