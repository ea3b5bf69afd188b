import { z } from 'zod';
import { IsoDateTime } from '../shared/value-objects';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/**
 * CloudEvents 1.0 envelope (structured mode). Extension attributes are kept, since senders may add
 * any; `data` and `data_base64` are mutually exclusive.
 */
export const CloudEvent = z
  .looseObject({
    specversion: z.literal('1.0'),
    id: z.string().min(1),
    source: z.string().min(1),
    type: z.string().min(1),
    time: IsoDateTime.optional(),
    subject: z.string().min(1).optional(),
    datacontenttype: z.string().min(1).optional(),
    dataschema: z.string().min(1).optional(),
    data: z.unknown().optional(),
    data_base64: z.base64().optional(),
  })
  .refine((event) => event.data === undefined || event.data_base64 === undefined, {
    message: 'data and data_base64 are mutually exclusive',
    path: ['data_base64'],
  });
export type CloudEvent = z.infer<typeof CloudEvent>;

export const CloudEventKind = z.enum([
  'lds.started',
  'lds.ended',
  'lds.paused',
  'grading.completed',
  'grading.failed',
  'unknown',
]);
export type CloudEventKind = z.infer<typeof CloudEventKind>;

/**
 * Accepted type names after normalisation (vendor prefix and `.vN` suffix removed), per kind:
 * seed names, pyLDS `io.lablet.lds.*`, Cisco `com.cisco.certs.lds.*` (decision 8, LDS-API §5) and
 * the GradingEngine aliases including the peer's `assessment.*` names. "User finished" ends the
 * candidate's work exactly as "ended" does, so both are `lds.ended`.
 */
const TYPE_FAMILIES: Record<Exclude<CloudEventKind, 'unknown'>, readonly string[]> = {
  'lds.started': ['lds.session.started', 'lds.session.running', 'lds.sessionpart.running'],
  'lds.ended': [
    'lds.session.ended',
    'lds.session.user-finished',
    'lds.session.userfinished',
    'lds.sessionpart.userfinished',
  ],
  'lds.paused': ['lds.session.paused', 'lds.sessionpart.paused'],
  'grading.completed': ['grading.session.completed', 'grading.completed', 'assessment.grading.completed'],
  'grading.failed': [
    'grading.session.failed',
    'grading.failed',
    'grading.faulted',
    'grading.session.faulted',
    'assessment.grading.failed',
  ],
};

const KIND_BY_TYPE = new Map<string, CloudEventKind>(
  Object.entries(TYPE_FAMILIES).flatMap(([kind, types]) =>
    types.map((type) => [type, kind as CloudEventKind] as const),
  ),
);

/** Vendor prefixes of the known LDS families; a deployment may configure more (LDS_CLOUDEVENT_TYPE_PREFIX). */
export const KNOWN_TYPE_PREFIXES = ['io.lablet.', 'com.cisco.certs.'] as const;

const VERSION_SUFFIX = /\.v\d+$/;

/** Maps any accepted CloudEvent type name onto the few kinds LCM reacts to; everything else is `unknown`. */
export function classifyCloudEventType(type: string, extraPrefixes: readonly string[] = []): CloudEventKind {
  const lowered = type.trim().toLowerCase().replace(VERSION_SUFFIX, '');
  const prefix = [...extraPrefixes.map((p) => p.toLowerCase()), ...KNOWN_TYPE_PREFIXES].find(
    (p) => p && lowered.startsWith(p),
  );
  return KIND_BY_TYPE.get(prefix ? lowered.slice(prefix.length) : lowered) ?? 'unknown';
}

/** LDS event data (camelCase, as LDS sends it); unknown fields are kept. */
export const LdsSessionEventData = z.looseObject({
  aggregateId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
  reason: z.string().optional(),
  endedBy: z.enum(['timeout', 'user', 'admin', 'system']).optional(),
  createdAt: IsoDateTime.optional(),
  partNum: z.number().int().min(1).optional(),
  formQualifiedName: z.string().optional(),
});
export type LdsSessionEventData = z.infer<typeof LdsSessionEventData>;

export const GradingCompletedData = z.looseObject({
  sessionId: z.string().min(1).optional(),
  partId: z.string().min(1).optional(),
  candidateId: z.string().optional(),
  ldsSessionId: z.string().optional(),
  score: z.number(),
  maxScore: z.number().nonnegative(),
  cutScore: z.number().optional(),
  passed: z.boolean().optional(),
  generation: z.number().int().nonnegative().optional(),
  revision: z.number().int().nonnegative().optional(),
  gradedAt: IsoDateTime.optional(),
  /** GradingEngine SessionPartScoreReport; fetched from the engine when absent. */
  scoreReport: z.record(z.string(), z.unknown()).optional(),
});
export type GradingCompletedData = z.infer<typeof GradingCompletedData>;

export const GradingFailedData = z.looseObject({
  sessionId: z.string().min(1).optional(),
  partId: z.string().min(1).optional(),
  errorMessage: z.string().min(1),
  errorCode: z.string().optional(),
  failedAt: IsoDateTime.optional(),
  retryPossible: z.boolean().optional(),
});
export type GradingFailedData = z.infer<typeof GradingFailedData>;

export const CLOUD_EVENT_DATA_SCHEMAS = {
  'lds.started': LdsSessionEventData,
  'lds.ended': LdsSessionEventData,
  'lds.paused': LdsSessionEventData,
  'grading.completed': GradingCompletedData,
  'grading.failed': GradingFailedData,
} as const satisfies Record<Exclude<CloudEventKind, 'unknown'>, z.ZodType>;

export type CloudEventData<Kind extends keyof typeof CLOUD_EVENT_DATA_SCHEMAS> = z.infer<
  (typeof CLOUD_EVENT_DATA_SCHEMAS)[Kind]
>;

/**
 * The external session id an event is about: `subject`, else the data's `sessionId`, else its
 * `aggregateId` (LDS-API §5.1; the GradingEngine sets `subject` to its session id).
 */
export function cloudEventSessionId(event: Pick<CloudEvent, 'subject' | 'data'>): string | null {
  if (event.subject) return event.subject;
  const data = event.data;
  if (typeof data !== 'object' || data === null) return null;
  const { sessionId, aggregateId } = data as Record<string, unknown>;
  if (typeof sessionId === 'string' && sessionId) return sessionId;
  return typeof aggregateId === 'string' && aggregateId ? aggregateId : null;
}
