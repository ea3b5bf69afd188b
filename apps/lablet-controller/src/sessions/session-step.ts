import {
  type CmlWorker,
  type LabletDefinition,
  type LabletSession,
  type LabletSessionStatus,
  type LabRecord,
} from '@lcm/contracts';
import { type ControlPlane } from '@lcm/cpa-client';
import { type Clock } from '@lcm/domain';
import { type Logger } from '@lcm/observability';
import { type ReconcileResult } from '@lcm/reconciler-runtime';
import { type OutsideSystems } from '../integrations/outside-systems';

/** Timings and limits of the session lifecycle (config/env.schema.ts). */
export interface SessionSettings {
  instantiationLeadMs: number;
  retentionMs: number;
  gradingFaultHoldMs: number;
  /** GRADING-API.md §4: the engine is polled this long after GRADING began, in case the event was lost… */
  gradingPollGraceMs: number;
  /** …this often… */
  gradingPollIntervalMs: number;
  /** …and no result this long after GRADING began counts as a grading fault. */
  gradingPollDeadlineMs: number;
  maxInstantiationAttempts: number;
  labPollIntervalMs: number;
  /** How long a lab start watches for the boot inside one reconcile before requeueing. */
  labBootWatchMs: number;
}

export interface SessionDeps {
  cpa: ControlPlane;
  systems: OutsideSystems;
  clock: Clock;
  settings: SessionSettings;
}

/** One reconcile of one session: what every status step gets. */
export interface SessionStepContext extends SessionDeps {
  session: LabletSession;
  log: Logger;
  /** Consecutive failed reconciles of this session before this one (from the runtime's backoff). */
  failures: number;
  /**
   * What this reconcile already read or created, so each is read at most once per reconcile
   * (nothing outlives it: the next reconcile reads afresh, AR-2).
   */
  loaded?: {
    worker?: CmlWorker;
    definition?: LabletDefinition;
    createdLab?: LabRecord;
    /** The labs of the definition on the worker, read while the instantiation was started. */
    labsOfDefinition?: Promise<LabRecord[]>;
  };
}

export type SessionStep = (context: SessionStepContext) => Promise<ReconcileResult>;

export const sessionParams = (session: LabletSession) => ({ lablet_session_id: session.id });

export async function transitionSession(
  context: SessionStepContext,
  target: LabletSessionStatus,
  reason: string,
): Promise<LabletSession> {
  context.log.info({ from: context.session.status, to: target, reason }, 'session transition');
  return context.cpa.sessions.transition({
    params: sessionParams(context.session),
    body: { target_status: target, reason },
  });
}

export async function loadDefinition(context: SessionStepContext): Promise<LabletDefinition> {
  const loaded = (context.loaded ??= {});
  if (loaded.definition?.id !== context.session.definition_id)
    loaded.definition = await context.cpa.definitions.get({
      params: { lablet_definition_id: context.session.definition_id },
    });
  return loaded.definition;
}

export async function loadWorker(context: SessionStepContext): Promise<CmlWorker> {
  const workerId = context.session.worker_id;
  if (!workerId)
    throw new Error(`session ${context.session.id} is ${context.session.status} without a worker`);
  const loaded = (context.loaded ??= {});
  if (loaded.worker?.id !== workerId)
    loaded.worker = await context.cpa.workers.get({ params: { worker_id: workerId } });
  return loaded.worker;
}

/** Milliseconds until `iso` from the injected clock (negative when past). */
export const msUntil = (context: Pick<SessionDeps, 'clock'>, iso: string): number =>
  Date.parse(iso) - context.clock.now().getTime();

export const timeslotOver = (context: SessionStepContext): boolean =>
  msUntil(context, context.session.timeslot_end) <= 0;

/** When the session entered its current status (the last history entry into it). */
export function enteredCurrentStatusAt(session: LabletSession): string {
  const entry = [...session.status_history].reverse().find((change) => change.to === session.status);
  return entry?.at ?? session.updated_at;
}
