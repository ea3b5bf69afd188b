import { z } from 'zod';
import { LabDiscoverResult } from '../lab-records/lab-record.bodies';
import { LabRecordSummary } from '../lab-records/lab-record.model';
import { LabletDefinition } from '../lablet-definitions/lablet-definition.model';
import { GradingSession } from '../sessions/grading-session.model';
import { LabletSession } from '../sessions/lablet-session.model';
import { ScoreReport } from '../sessions/score-report.model';
import { UserSession } from '../sessions/user-session.model';
import { DocumentId } from '../shared/document';
import { LabPendingAction, LabletSessionStatus } from '../shared/enums';
import { IsoDateTime } from '../shared/value-objects';
import { WorkerTemplate } from '../worker-templates/worker-template.model';
import { SessionUnschedulableReport } from './scheduler-events';
import { CmlWorker } from '../workers/cml-worker.model';

export const SSE_STREAM_PATH = '/api/v1/events/stream';
export const SSE_HEARTBEAT_INTERVAL_SECONDS = 30;

const snapshot = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item) });
const WorkerChanged = z.object({ worker: CmlWorker });
const SessionChanged = z.object({ session: LabletSession });
const LabChanged = z.object({ lab_record: LabRecordSummary });
const LabAction = LabChanged.extend({ action: LabPendingAction });
const DefinitionChanged = z.object({ definition: LabletDefinition });
const TemplateChanged = z.object({ template: WorkerTemplate });
const WorkerRefresh = z.object({ worker_id: DocumentId, reason: z.string().nullable() });

/** Payload of every SSE event type (spec §8.2); the keys are the event names. */
export const SSE_EVENT_PAYLOADS = {
  connected: z.object({
    client_id: z.string().min(1),
    server_time: IsoDateTime,
    heartbeat_interval_seconds: z.number().int().positive(),
  }),
  heartbeat: z.object({ at: IsoDateTime }),
  'system.sse.shutdown': z.object({ reason: z.string().nullable() }),

  'worker.snapshot': snapshot(CmlWorker),
  'worker.created': WorkerChanged,
  'worker.imported': WorkerChanged,
  'worker.status.updated': WorkerChanged,
  'worker.metrics.updated': WorkerChanged,
  'worker.labs.updated': z.object({ worker_id: DocumentId, labs_count: z.number().int().nonnegative() }),
  'worker.terminated': WorkerChanged,
  'worker.endpoint.updated': WorkerChanged,
  'worker.activity.updated': WorkerChanged,
  'worker.paused': WorkerChanged,
  'worker.resumed': WorkerChanged,
  'worker.idle_detection.toggled': WorkerChanged,
  'worker.license.registration.started': WorkerChanged,
  'worker.license.registration.completed': WorkerChanged,
  'worker.license.registration.failed': WorkerChanged.extend({ error_message: z.string() }),
  'worker.license.deregistered': WorkerChanged,
  'worker.refresh.requested': WorkerRefresh,
  'worker.refresh.skipped': WorkerRefresh,
  'worker.data.refreshed': WorkerChanged,
  'worker.capacity.updated': WorkerChanged,
  'worker.draining': WorkerChanged,
  'worker.drain.cancelled': WorkerChanged,
  'worker.scale_up.requested': z.object({
    worker_id: DocumentId,
    template_id: DocumentId,
    reason: z.string(),
    lablet_session_id: DocumentId.nullable(),
  }),
  'worker.labs.synced': LabDiscoverResult.extend({ worker_id: DocumentId }),

  'lablet_session.snapshot': snapshot(LabletSession),
  'lablet_session.created': SessionChanged,
  /** Every transition; the session carries worker_id (scheduled) and user_session_id/cml_lab_id (ready). */
  'lablet_session.status.changed': SessionChanged.extend({
    from_status: LabletSessionStatus.nullable(),
    status: LabletSessionStatus,
    reason: z.string().nullable(),
  }),
  'lablet_session.score.recorded': SessionChanged.extend({ score_report: ScoreReport }),
  'lablet_session.ports.released': SessionChanged,
  'lablet_session.timeslot.extended': SessionChanged,
  'lablet_session.terminated': SessionChanged.extend({ from_status: LabletSessionStatus }),
  /** [I] The resource-scheduler found that no template can ever fit the session (issue 9). */
  'lablet_session.unschedulable': SessionUnschedulableReport,

  'user_session.updated': z.object({ user_session: UserSession }),
  'grading_session.updated': z.object({ grading_session: GradingSession }),
  'score_report.created': z.object({ score_report: ScoreReport }),

  'lab.discovered': LabChanged,
  'lab.created': LabChanged,
  'lab.status.updated': LabChanged,
  'lab.topology.updated': LabChanged,
  'lab.action.requested': LabAction,
  'lab.action.completed': LabAction,
  'lab.action.failed': LabAction.extend({ error_message: z.string() }),
  'lab.orphaned': LabChanged,
  'lab.deleted': LabChanged,

  'lablet_definition.snapshot': snapshot(LabletDefinition),
  'lablet_definition.created': DefinitionChanged,
  'lablet_definition.updated': DefinitionChanged,
  'lablet_definition.deprecated': DefinitionChanged,
  'worker_template.created': TemplateChanged,
  'worker_template.updated': TemplateChanged,
  'worker_template.deleted': z.object({ worker_template_id: DocumentId }),
} as const;

type SsePayloads = typeof SSE_EVENT_PAYLOADS;

export const SseEventType = z.enum(
  Object.keys(SSE_EVENT_PAYLOADS) as [keyof SsePayloads, ...(keyof SsePayloads)[]],
);
export type SseEventType = z.infer<typeof SseEventType>;

export type SseEventData<Type extends SseEventType> = z.infer<SsePayloads[Type]>;

/** Envelope sent as the SSE `data:` line; `id` doubles as the SSE event id for Last-Event-ID. */
export type SseEvent = {
  [Type in SseEventType]: { id: string; type: Type; at: string; data: SseEventData<Type> };
}[SseEventType];

const envelope = <Type extends SseEventType>(type: Type) =>
  z.object({ id: z.string().min(1), type: z.literal(type), at: IsoDateTime, data: SSE_EVENT_PAYLOADS[type] });

export const SseEventSchema = z.discriminatedUnion(
  'type',
  SseEventType.options.map(envelope) as unknown as [
    ReturnType<typeof envelope>,
    ...ReturnType<typeof envelope>[],
  ],
) as unknown as z.ZodType<SseEvent>;
