import { z } from 'zod';
import { DocumentId } from '../shared/document';
import { CmlWorkerStatus } from '../shared/enums';
import { ListQuery, OneOrMany, queryFlag } from '../shared/pagination';
import { Capacity, IsoDateTime, StorableKey } from '../shared/value-objects';
import {
  CloudWatchMetrics,
  CmlLicense,
  CmlMetrics,
  CmlWorker,
  LicenseOperation,
  WorkerEc2Fields,
} from './cml-worker.model';

export const WorkerParams = z.object({ worker_id: DocumentId });

const Reason = z.string().min(1).max(1000);

/** Create from a template → PENDING. */
export const CreateWorkerBody = z.strictObject({
  template_id: DocumentId,
  name: z.string().min(1).max(100).optional(),
  aws_region: z.string().min(1).optional(),
});
export type CreateWorkerBody = z.infer<typeof CreateWorkerBody>;

/** Register an existing EC2 instance, found by instance id or by AMI id/name (exactly one). */
export const ImportWorkerBody = z
  .strictObject({
    aws_region: z.string().min(1),
    aws_instance_id: z.string().min(1).optional(),
    ami_id: z.string().min(1).optional(),
    ami_name: z.string().min(1).optional(),
    template_id: DocumentId.optional(),
    declared_capacity: Capacity.strict().optional(),
    name: z.string().min(1).max(100).optional(),
  })
  .refine((body) => [body.aws_instance_id, body.ami_id, body.ami_name].filter(Boolean).length === 1, {
    message: 'give exactly one of aws_instance_id, ami_id, ami_name',
    path: ['aws_instance_id'],
  });
export type ImportWorkerBody = z.infer<typeof ImportWorkerBody>;

export const ScaleUpBody = z.strictObject({ template_id: DocumentId, reason: Reason });
export type ScaleUpBody = z.infer<typeof ScaleUpBody>;

/** The scheduler names the session that could not be placed. */
export const InternalScaleUpBody = ScaleUpBody.extend({ lablet_session_id: DocumentId.optional() }).strict();
export type InternalScaleUpBody = z.infer<typeof InternalScaleUpBody>;

export const ScaleUpAccepted = z.object({ worker_id: DocumentId });
export type ScaleUpAccepted = z.infer<typeof ScaleUpAccepted>;

export const DrainWorkerBody = z.strictObject({ reason: Reason });
export type DrainWorkerBody = z.infer<typeof DrainWorkerBody>;

export const StopWorkerBody = z.strictObject({ reason: Reason.optional() });
export type StopWorkerBody = z.infer<typeof StopWorkerBody>;

const PatchableWorkerFields = CmlWorker.pick({
  status: true,
  service_status: true,
  https_endpoint: true,
  start_initiated_at: true,
  stop_initiated_at: true,
  aws_instance_id: true,
  instance_type: true,
  ami_id: true,
  ami_name: true,
  ami_description: true,
  ami_creation_date: true,
  public_ip: true,
  private_ip: true,
  ec2_instance_state_detail: true,
}).partial();

/** Worker-controller report of observed status, EC2 ids/addresses, service status and endpoint. */
export const PatchWorkerBody = PatchableWorkerFields.extend({ reason: Reason.optional() })
  .strict()
  .refine((body) => Object.keys(body).some((key) => key !== 'reason'), { message: 'nothing to update' });
export type PatchWorkerBody = z.infer<typeof PatchWorkerBody>;

/** One poll's worth of EC2 checks, CloudWatch values, CML metrics and licence; each part optional. */
export const ReportWorkerMetricsBody = z.strictObject({
  collected_at: IsoDateTime,
  ec2: WorkerEc2Fields.pick({ ec2_instance_state_detail: true, ec2_system_status_check: true })
    .strict()
    .optional(),
  cloudwatch: CloudWatchMetrics.pick({ cpu_utilization: true, memory_utilization: true }).strict().optional(),
  metrics: CmlMetrics.strict().optional(),
  license: CmlLicense.omit({ has_token: true, operation_in_progress: true }).strict().optional(),
});
export type ReportWorkerMetricsBody = z.infer<typeof ReportWorkerMetricsBody>;

/** Raw CML telemetry since the last check; CPA keeps only the event types that count as activity. */
export const ReportWorkerActivityBody = z.strictObject({
  checked_at: IsoDateTime,
  events: z.array(
    z.strictObject({
      type: z.string().min(1),
      at: IsoDateTime,
      user_id: z.string().nullable().optional(),
      lab_id: z.string().nullable().optional(),
    }),
  ),
});
export type ReportWorkerActivityBody = z.infer<typeof ReportWorkerActivityBody>;

export const UpdateWorkerTagsBody = z.strictObject({
  // AWS allows '.' in tag keys; LCM stores tags as document fields, where FerretDB refuses it.
  tags: z.record(StorableKey.pipe(z.string().max(128)), z.string().max(256)),
});
export type UpdateWorkerTagsBody = z.infer<typeof UpdateWorkerTagsBody>;

export const RegisterLicenseBody = z.strictObject({
  token: z.string().min(1),
  reregister: z.boolean().default(false),
});
export type RegisterLicenseBody = z.infer<typeof RegisterLicenseBody>;

/** Worker-controller outcome of a licence register/deregister; clears the licence trigger key. */
export const CompleteLicenseOperationBody = z.strictObject({
  operation: LicenseOperation,
  succeeded: z.boolean(),
  error_message: z.string().optional(),
});
export type CompleteLicenseOperationBody = z.infer<typeof CompleteLicenseOperationBody>;

export const SetMonitoringBody = z.strictObject({ detailed_monitoring_enabled: z.boolean() });
export type SetMonitoringBody = z.infer<typeof SetMonitoringBody>;

/** Worker-controller saw lab ids it does not know: ask the lablet-controller for a targeted discovery. */
export const RequestLabDiscoveryBody = z.strictObject({ lab_ids: z.array(z.string().min(1)).min(1) });
export type RequestLabDiscoveryBody = z.infer<typeof RequestLabDiscoveryBody>;

export const ListWorkersQuery = ListQuery({
  status: OneOrMany(CmlWorkerStatus).optional(),
  template_id: DocumentId.optional(),
  aws_region: z.string().min(1).optional(),
  include_terminated: queryFlag(false),
});
export type ListWorkersQuery = z.infer<typeof ListWorkersQuery>;

/** By default the sessions that hold the worker now; `include_history` adds every session ever placed on it. */
export const ListWorkerSessionsQuery = ListQuery({ include_history: queryFlag(false) });
export type ListWorkerSessionsQuery = z.infer<typeof ListWorkerSessionsQuery>;
