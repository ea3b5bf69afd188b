import {
  type AssessmentCollectionData,
  type AssessmentCollectionKind,
  type CloudEventData,
  type CloudEventKind,
  type DeviceAccessInfo,
  type LabletSession,
  MAX_PAGE_LIMIT,
} from '@lcm/contracts';
import { type ControlPlane, isConflictError, isNotFoundError, isValidationError } from '@lcm/cpa-client';
import { type Clock } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { scoreReportFromEvent } from './score-report';

/** What an event did: changed something, found nothing to change, or named a session LCM does not know. */
export type EventOutcome = 'applied' | 'no_change' | 'uncorrelated';

export interface EventEffectsDeps {
  cpa: ControlPlane;
  clock: Clock;
  log: Logger;
}

/** The kinds LCM reacts to: the LDS and grading families, and the assessment platform's collection events. */
export type EventKind = Exclude<CloudEventKind, 'unknown'> | AssessmentCollectionKind;

type EventData<K extends EventKind> = K extends AssessmentCollectionKind
  ? AssessmentCollectionData<K>
  : K extends Exclude<CloudEventKind, 'unknown'>
    ? CloudEventData<K>
    : never;

export interface ClassifiedEvent<K extends EventKind = EventKind> {
  kind: K;
  /** The external session id (LDS or GradingEngine) the event is about; for collection events the LabletSession id. */
  externalId: string;
  time: string | undefined;
  data: EventData<K>;
}

const isCollectionEvent = (event: ClassifiedEvent): event is ClassifiedEvent<AssessmentCollectionKind> =>
  event.kind.startsWith('collection.');

/** A 409 means the session is already past the state this event moves it out of: a late or repeated delivery. */
async function tolerated(call: () => Promise<unknown>): Promise<EventOutcome> {
  try {
    await call();
    return 'applied';
  } catch (error) {
    // A lost race (version conflict) is not a verdict on the event: it is retried by the sender.
    if (isConflictError(error) && !error.isVersionConflict) return 'no_change';
    throw error;
  }
}

async function sessionOfLdsSession(
  deps: EventEffectsDeps,
  ldsSessionId: string,
): Promise<LabletSession | null> {
  const found = await deps.cpa.children.findUserSessions({
    query: { lds_session_id: ldsSessionId, limit: 1 },
  });
  const userSession = found.items[0];
  return userSession
    ? deps.cpa.sessions.get({ params: { lablet_session_id: userSession.lablet_session_id } })
    : null;
}

async function sessionOfGradingSession(
  deps: EventEffectsDeps,
  engineSessionId: string,
): Promise<LabletSession | null> {
  const found = await deps.cpa.children.findGradingSessions({
    query: { grading_session_id: engineSessionId, limit: 1 },
  });
  const grading = found.items[0];
  return grading ? deps.cpa.sessions.get({ params: { lablet_session_id: grading.lablet_session_id } }) : null;
}

const params = (session: LabletSession) => ({ lablet_session_id: session.id });

/** The event is about a session whose child entity is still being recorded: the sender should deliver it again shortly. */
export class NotYetCorrelatedError extends Error {
  constructor(externalId: string) {
    super(`session ${externalId} is still being set up; deliver the event again`);
    this.name = 'NotYetCorrelatedError';
  }
}

/**
 * An event can overtake the write that makes it correlatable: the engine may grade before the
 * GradingSession is recorded (its id is the LabletSession id, still COLLECTING), and the candidate
 * may log in before mark-ready records the user session (its LDS id is already in the session's
 * instantiation progress).
 */
async function awaitingCorrelation(deps: EventEffectsDeps, event: ClassifiedEvent): Promise<boolean> {
  if (!event.kind.startsWith('lds.')) {
    try {
      // GRADING too: the record may have been committed between the lookup above and this read.
      const { status } = await deps.cpa.sessions.get({ params: { lablet_session_id: event.externalId } });
      return status === 'COLLECTING' || status === 'GRADING';
    } catch (error) {
      if (isNotFoundError(error) || isValidationError(error)) return false;
      throw error;
    }
  }
  const instantiating = await deps.cpa.sessions.list({
    query: { status: ['INSTANTIATING'], limit: MAX_PAGE_LIMIT },
  });
  return instantiating.items.some(
    (session) =>
      session.pipeline_progress['instantiate']?.['lds_provision']?.result_data?.['lds_session_id'] ===
      event.externalId,
  );
}

async function ldsStarted(
  deps: EventEffectsDeps,
  session: LabletSession,
  time: string | undefined,
): Promise<EventOutcome> {
  if (session.status !== 'READY') return 'no_change';
  return tolerated(() =>
    deps.cpa.sessions.notifySessionStarted({
      params: params(session),
      body: time ? { started_at: time } : {},
    }),
  );
}

/** Decision 19: the candidate's work is over; graded definitions are collected, others stopped. */
async function ldsEnded(
  deps: EventEffectsDeps,
  session: LabletSession,
  time: string | undefined,
  reason: string | undefined,
): Promise<EventOutcome> {
  // An end delivered before the start (out of order) implies the start.
  if (session.status === 'READY') await ldsStarted(deps, session, time);
  else if (session.status !== 'RUNNING') return 'no_change';
  const definition = await deps.cpa.definitions.get({
    params: { lablet_definition_id: session.definition_id },
  });
  const target = definition.grading_rules_uri !== null ? 'COLLECTING' : 'STOPPING';
  return tolerated(() =>
    deps.cpa.sessions.transition({
      params: params(session),
      body: {
        target_status: target,
        reason: `lds_session_ended${reason ? `: ${reason}` : ''}`.slice(0, 1000),
      },
    }),
  );
}

async function ldsPaused(
  deps: EventEffectsDeps,
  session: LabletSession,
  time: string | undefined,
): Promise<EventOutcome> {
  if (session.status !== 'RUNNING') return 'no_change';
  return tolerated(() =>
    deps.cpa.children.updateUserSessionStatus({
      params: params(session),
      body: { status: 'PAUSED', ...(time ? { occurred_at: time } : {}) },
    }),
  );
}

/**
 * Score stored (grade_result), GradingSession SUBMITTED, session GRADING → STOPPING. Shared with
 * the GRADING step's poll of the engine (grading.step.ts): whichever comes first applies it, and
 * the other, finding the score already stored, only finishes the commands that are still missing.
 */
export async function gradingCompleted(
  deps: EventEffectsDeps,
  session: LabletSession,
  event: ClassifiedEvent<'grading.completed'>,
): Promise<EventOutcome> {
  if (session.status !== 'GRADING') return 'no_change';
  const report = scoreReportFromEvent(event.data, event.time ?? deps.clock.now().toISOString());
  const stored = session.score_report_id
    ? 'no_change'
    : await tolerated(() => deps.cpa.children.createScoreReport({ params: params(session), body: report }));
  for (const status of ['REVIEWING', 'SUBMITTED'] as const)
    await tolerated(() =>
      deps.cpa.children.updateGradingSessionStatus({
        params: params(session),
        body: { status, ...(event.time ? { occurred_at: event.time } : {}) },
      }),
    );
  const verdict = report.passed === undefined ? 'scored' : report.passed ? 'PASS' : 'FAIL';
  const moved = await tolerated(() =>
    deps.cpa.sessions.transition({
      params: params(session),
      body: { target_status: 'STOPPING', reason: `grading_completed: ${verdict}` },
    }),
  );
  return stored === 'applied' || moved === 'applied' ? 'applied' : 'no_change';
}

/** Decision 21: the GradingSession faults and the session holds in GRADING for an operator. */
export async function gradingFailed(
  deps: EventEffectsDeps,
  session: LabletSession,
  event: ClassifiedEvent<'grading.failed'>,
): Promise<EventOutcome> {
  if (session.status !== 'GRADING') return 'no_change';
  const message = [event.data.errorCode, event.data.errorMessage].filter(Boolean).join(': ');
  return tolerated(() =>
    deps.cpa.children.updateGradingSessionStatus({
      params: params(session),
      body: { status: 'FAULTED', error_message: message, ...(event.time ? { occurred_at: event.time } : {}) },
    }),
  );
}

/**
 * `assessment.collection.completed` (spec §8.1): COLLECTING only, the GradingSession is created
 * with the collection id as its external id, which moves the session to GRADING. It grades what
 * the platform collected: devices are the session's frozen device access list.
 */
async function collectionCompleted(
  deps: EventEffectsDeps,
  session: LabletSession,
  event: ClassifiedEvent<'collection.completed'>,
): Promise<EventOutcome> {
  if (session.status !== 'COLLECTING') return 'no_change';
  const definition = await deps.cpa.definitions.get({
    params: { lablet_definition_id: session.definition_id },
  });
  const formName = definition.form_qualified_name ?? definition.name;
  const devices = (session.pipeline_progress['instantiate']?.['device_access']?.result_data?.['devices'] ??
    []) as DeviceAccessInfo[];
  return tolerated(() =>
    deps.cpa.children.createGradingSession({
      params: params(session),
      body: {
        grading_session_id: event.data.collection_id,
        grading_part_id: formName,
        form_qualified_name: formName,
        ...(definition.grading_rules_uri ? { grading_rules_uri: definition.grading_rules_uri } : {}),
        devices,
      },
    }),
  );
}

/** `assessment.collection.failed` (spec §8.1): only a failure that cannot be retried ends a COLLECTING or RUNNING session (→ STOPPING). */
async function collectionFailed(
  deps: EventEffectsDeps,
  session: LabletSession,
  event: ClassifiedEvent<'collection.failed'>,
): Promise<EventOutcome> {
  if (event.data.retry_possible || (session.status !== 'COLLECTING' && session.status !== 'RUNNING'))
    return 'no_change';
  const reason =
    `collection_failed: ${[event.data.error_code, event.data.error_message].filter(Boolean).join(': ')}`.slice(
      0,
      1000,
    );
  return tolerated(() =>
    deps.cpa.sessions.transition({ params: params(session), body: { target_status: 'STOPPING', reason } }),
  );
}

/** Collection events name the LabletSession itself; an id LCM does not know (or cannot be one) is uncorrelated. */
async function applyCollectionEvent(
  deps: EventEffectsDeps,
  event: ClassifiedEvent<AssessmentCollectionKind>,
): Promise<EventOutcome> {
  let session: LabletSession;
  try {
    session = await deps.cpa.sessions.get({ params: { lablet_session_id: event.externalId } });
  } catch (error) {
    if (isNotFoundError(error) || isValidationError(error)) return 'uncorrelated';
    throw error;
  }
  return event.kind === 'collection.completed'
    ? collectionCompleted(deps, session, event as ClassifiedEvent<'collection.completed'>)
    : collectionFailed(deps, session, event as ClassifiedEvent<'collection.failed'>);
}

/**
 * Applies one accepted CloudEvent as control-plane commands (spec §8.1, decision 8). Every command
 * is idempotent or checked against the session's status first, so duplicates and late deliveries
 * change nothing.
 */
export async function applyEvent(deps: EventEffectsDeps, event: ClassifiedEvent): Promise<EventOutcome> {
  if (isCollectionEvent(event)) return applyCollectionEvent(deps, event);
  const isLds = event.kind.startsWith('lds.');
  let session: LabletSession | null;
  try {
    session = isLds
      ? await sessionOfLdsSession(deps, event.externalId)
      : await sessionOfGradingSession(deps, event.externalId);
  } catch (error) {
    if (isNotFoundError(error)) return 'uncorrelated';
    throw error;
  }
  if (!session) {
    if (await awaitingCorrelation(deps, event)) throw new NotYetCorrelatedError(event.externalId);
    return 'uncorrelated';
  }
  // The grading session record is written before the session moves to GRADING: an event read in
  // between would otherwise be answered as a no-op and never delivered again.
  if (!isLds && session.status === 'COLLECTING') throw new NotYetCorrelatedError(event.externalId);
  // Collection events were handled above; the rest are the LDS and grading kinds.
  switch (event.kind as Exclude<CloudEventKind, 'unknown'>) {
    case 'lds.started':
      return ldsStarted(deps, session, event.time);
    case 'lds.ended':
      return ldsEnded(deps, session, event.time, (event as ClassifiedEvent<'lds.ended'>).data.reason);
    case 'lds.paused':
      return ldsPaused(deps, session, event.time);
    case 'grading.completed':
      return gradingCompleted(deps, session, event as ClassifiedEvent<'grading.completed'>);
    case 'grading.failed':
      return gradingFailed(deps, session, event as ClassifiedEvent<'grading.failed'>);
  }
}
