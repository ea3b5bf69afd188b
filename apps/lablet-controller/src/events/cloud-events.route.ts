import { HTTP } from 'cloudevents';
import { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  ASSESSMENT_COLLECTION_DATA_SCHEMAS,
  classifyAssessmentCollectionType,
  CLOUD_EVENT_DATA_SCHEMAS,
  classifyCloudEventType,
  CloudEvent,
  cloudEventSessionId,
} from '@lcm/contracts';
import { isConflictError, isUnavailableError } from '@lcm/cpa-client';
import { type Logger } from '@lcm/observability';
import { DedupeWindow } from './dedupe-window';
import {
  applyEvent,
  type ClassifiedEvent,
  type EventEffectsDeps,
  type EventOutcome,
  NotYetCorrelatedError,
} from './event-effects';

export interface CloudEventsRouteOptions extends EventEffectsDeps {
  dedupeCapacity: number;
  /** Vendor prefixes of LDS event types beyond the known ones. */
  extraTypePrefixes: readonly string[];
}

export interface CloudEventsStats {
  received: number;
  applied: number;
  duplicates: number;
  ignored: number;
  rejected: number;
}

type Parsed =
  | { ok: true; event: ClassifiedEvent | null; source: string; id: string; type: string }
  | { ok: false; message: string };

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const issuesOf = (error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string =>
  error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');

/** Structured or binary mode through the CloudEvents SDK, then the envelope and the type's data through the contracts. */
function parseDelivery(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  extraPrefixes: readonly string[],
): Parsed {
  let decoded: unknown;
  try {
    decoded = HTTP.toEvent({ headers, body });
  } catch (error) {
    return { ok: false, message: `not a CloudEvent: ${describe(error)}` };
  }
  if (Array.isArray(decoded))
    return { ok: false, message: 'batches are not accepted; send one event per request' };
  const envelope = CloudEvent.safeParse(JSON.parse(JSON.stringify(decoded)));
  if (!envelope.success)
    return {
      ok: false,
      message: `invalid CloudEvent: ${envelope.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    };
  const { source, id, type, time } = envelope.data;
  const collection = classifyAssessmentCollectionType(type);
  if (collection) {
    const data = ASSESSMENT_COLLECTION_DATA_SCHEMAS[collection].safeParse(envelope.data.data);
    if (!data.success) return { ok: false, message: `invalid data of ${type}: ${issuesOf(data.error)}` };
    return {
      ok: true,
      event: {
        kind: collection,
        externalId: data.data.aggregate_id,
        time,
        data: data.data,
      } as ClassifiedEvent,
      source,
      id,
      type,
    };
  }
  const kind = classifyCloudEventType(type, extraPrefixes);
  if (kind === 'unknown') return { ok: true, event: null, source, id, type };
  const data = CLOUD_EVENT_DATA_SCHEMAS[kind].safeParse(envelope.data.data);
  if (!data.success) return { ok: false, message: `invalid data of ${type}: ${issuesOf(data.error)}` };
  const externalId = cloudEventSessionId({ subject: envelope.data.subject, data: data.data });
  if (!externalId)
    return { ok: false, message: `${type} names no session (subject, data.sessionId or data.aggregateId)` };
  return {
    ok: true,
    event: { kind, externalId, time, data: data.data } as ClassifiedEvent,
    source,
    id,
    type,
  };
}

/**
 * `POST /api/events` (spec §8.1): LDS and GradingEngine CloudEvents in structured
 * (`application/cloudevents+json`) or binary (`ce-*` headers) mode. Unknown types → 202 and
 * nothing changes; malformed → 400; control plane unreachable → 503 so the sender retries; a
 * `(source, id)` seen before → 200 without a second effect. Served by every replica: it only
 * proxies idempotent commands to the control plane.
 */
export function registerCloudEventsRoute(
  app: FastifyInstance,
  options: CloudEventsRouteOptions,
  logger: Logger,
): { stats: CloudEventsStats } {
  const window = new DedupeWindow<EventOutcome>(options.dedupeCapacity);
  const stats: CloudEventsStats = { received: 0, applied: 0, duplicates: 0, ignored: 0, rejected: 0 };
  const log = logger.child({ component: 'cloud-events' });

  void app.register(async (scope) => {
    // The SDK reads the body itself (structured JSON, or binary data of any media type).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/api/events', async (request, reply: FastifyReply) => {
      stats.received += 1;
      const body = typeof request.body === 'string' ? request.body : '';
      const parsed = parseDelivery(request.headers, body, options.extraTypePrefixes);
      if (!parsed.ok) {
        stats.rejected += 1;
        log.warn({ reason: parsed.message }, 'CloudEvent rejected');
        return reply.code(400).send({ status: 'rejected', detail: parsed.message });
      }
      if (!parsed.event) {
        stats.ignored += 1;
        log.debug({ type: parsed.type, id: parsed.id }, 'CloudEvent of an unknown type ignored');
        return reply.code(202).send({ status: 'ignored', type: parsed.type });
      }
      const event = parsed.event;
      try {
        const { outcome, duplicate } = await window.once(DedupeWindow.keyOf(parsed.source, parsed.id), () =>
          applyEvent({ ...options, log }, event),
        );
        if (duplicate) stats.duplicates += 1;
        else if (outcome === 'applied') stats.applied += 1;
        log.info(
          { type: parsed.type, id: parsed.id, external_id: event.externalId, outcome, duplicate },
          'CloudEvent handled',
        );
        // Nothing LCM knows: accepted, as an unknown type is, so the sender does not retry.
        return reply
          .code(outcome === 'uncorrelated' && !duplicate ? 202 : 200)
          .send({ status: duplicate ? 'duplicate' : outcome });
      } catch (error) {
        if (error instanceof NotYetCorrelatedError) {
          log.info({ type: parsed.type, id: parsed.id }, error.message);
          return reply.code(503).header('retry-after', '1').send({ status: 'retry', detail: error.message });
        }
        if (isUnavailableError(error) || (isConflictError(error) && error.isVersionConflict)) {
          log.warn(
            { type: parsed.type, id: parsed.id, err: error },
            'control plane unreachable or busy with the same session; the sender retries',
          );
          return reply
            .code(503)
            .header('retry-after', '5')
            .send({ status: 'unavailable', detail: 'control plane unreachable; retry later' });
        }
        log.error({ type: parsed.type, id: parsed.id, err: error }, 'CloudEvent failed');
        return reply.code(500).send({ status: 'failed', detail: describe(error) });
      }
    });
  });
  return { stats };
}
