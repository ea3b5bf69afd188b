import { type GradingSessionPart } from '@lcm/integrations/grading';
import { isNotFound } from '@lcm/integrations/http';
import { done, requeueAfter } from '@lcm/reconciler-runtime';
import { gradingCompleted, gradingFailed } from '../events/event-effects';
import {
  enteredCurrentStatusAt,
  msUntil,
  type SessionStep,
  type SessionStepContext,
  transitionSession,
} from './session-step';

/** What polling the engine found: a result to apply, or nothing yet. */
type PolledGrading =
  { kind: 'graded'; part: GradingSessionPart } | { kind: 'faulted'; reason: string } | { kind: 'pending' };

/**
 * GRADING-API.md §3 #2 and §4 step 3: the engine session (its id is the LabletSession id) shows a
 * finished run as a part with a score report and `firstGraded`, a failed one as `Faulted` with
 * `statusReason`. LCM creates one part per session.
 */
async function pollEngine(context: SessionStepContext): Promise<PolledGrading> {
  let engine;
  try {
    engine = await context.systems.grading.getSession(context.session.id);
  } catch (error) {
    // Graded elsewhere (an assessment platform's collection event created the GradingSession): its event gets the deadline.
    if (isNotFound(error)) return { kind: 'pending' };
    throw error;
  }
  const faulted = engine.parts.find((part) => part.status?.toLowerCase() === 'faulted');
  if (faulted) return { kind: 'faulted', reason: faulted.statusReason ?? 'grading faulted' };
  const graded = engine.parts.find((part) => part.scoreReport && part.firstGraded);
  return graded ? { kind: 'graded', part: graded } : { kind: 'pending' };
}

/**
 * The fallback for a lost grading event (GRADING-API.md §4 step 3): after the grace the engine is
 * polled, and what it shows is applied through the same effects as the event, so whichever of the
 * two comes first wins and the other changes nothing. No result by the deadline counts as a fault.
 */
async function pollForLostEvent(context: SessionStepContext, gradingForMs: number) {
  const { settings } = context;
  const polled = await pollEngine(context);
  const deps = { cpa: context.cpa, clock: context.clock, log: context.log };
  const time = context.clock.now().toISOString();
  if (polled.kind === 'graded') {
    const report = polled.part.scoreReport!;
    await gradingCompleted(deps, context.session, {
      kind: 'grading.completed',
      externalId: context.session.id,
      time,
      data: {
        score: report.score,
        maxScore: report.maxScore,
        generation: report.generation,
        revision: report.revision,
        scoreReport: report,
        gradedAt: report.lastModified ?? polled.part.firstGraded ?? time,
      },
    });
    context.log.info(
      { score: report.score, max_score: report.maxScore },
      'grading result taken from the engine (no event arrived)',
    );
    return done();
  }
  const deadlineMissed = gradingForMs >= settings.gradingPollDeadlineMs;
  if (polled.kind === 'faulted' || deadlineMissed) {
    const errorMessage =
      polled.kind === 'faulted'
        ? polled.reason
        : `no grading result within ${Math.round(settings.gradingPollDeadlineMs / 60_000)} minutes`;
    await gradingFailed(deps, context.session, {
      kind: 'grading.failed',
      externalId: context.session.id,
      time,
      data: { errorMessage },
    });
    // The fault condition is on the session now: the next pass holds it for the operator.
    return requeueAfter(0, 'grading fault recorded');
  }
  return requeueAfter(
    Math.min(settings.gradingPollIntervalMs, settings.gradingPollDeadlineMs - gradingForMs),
    'waiting for the grading result',
  );
}

/**
 * GRADING waits for the grading event, and polls the engine after a grace in case it was lost.
 * Decision 21: after a grading failure the session is held for an operator for the fault hold,
 * then moves on to STOPPING with no grade.
 */
export const gradingStep: SessionStep = async (context) => {
  const fault = context.session.conditions.find(
    (condition) => condition.type === 'GradingSubmitted' && condition.reason === 'GradingFaulted',
  );
  if (!fault) {
    const gradingForMs = -msUntil(context, enteredCurrentStatusAt(context.session));
    if (gradingForMs < context.settings.gradingPollGraceMs)
      return requeueAfter(context.settings.gradingPollGraceMs - gradingForMs, 'grace for the grading event');
    return pollForLostEvent(context, gradingForMs);
  }
  const holdLeft =
    Date.parse(fault.last_transition_time) +
    context.settings.gradingFaultHoldMs -
    context.clock.now().getTime();
  if (holdLeft > 0) return requeueAfter(holdLeft, 'grading fault hold for an operator');
  await transitionSession(context, 'STOPPING', `grading_failed: ${fault.message}`.slice(0, 1000));
  return done();
};
