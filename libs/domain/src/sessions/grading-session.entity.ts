import { DeviceAccessInfo, GradingStatus, IsoDateTime, StatusHistoryEntry } from '@lcm/contracts';
import { z } from 'zod';
import { AggregateRoot } from '../shared/aggregate-root';
import type { Clock } from '../shared/clock';
import type { EventUnion } from '../shared/domain-event';
import { applyTransition } from '../shared/transition-table';
import { GRADING_SESSION_MACHINE } from './child.transitions';

/** One captured piece of device output, kept as evidence for a later regrade (decision 17, 21). */
export const GradingEvidence = z.object({
  node_label: z.string().min(1),
  kind: z.string().min(1),
  content: z.string(),
  collected_at: IsoDateTime,
});
export type GradingEvidence = z.infer<typeof GradingEvidence>;

/** Persisted shape of a GradingSession (spec §3.3). */
export const GradingSessionState = z.object({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
  lablet_session_id: z.string().min(1),
  /** The GradingEngine's id, known once the pod is submitted. */
  grading_session_id: z.string().nullable().default(null),
  grading_part_id: z.string().nullable().default(null),
  pod_id: z.string().nullable().default(null),
  status: GradingStatus,
  status_history: z.array(StatusHistoryEntry).default([]),
  error_message: z.string().nullable().default(null),
  form_qualified_name: z.string().nullable().default(null),
  grading_rules_uri: z.string().nullable().default(null),
  devices: z.array(DeviceAccessInfo).default([]),
  evidence: z.array(GradingEvidence).default([]),
  started_at: IsoDateTime.nullable().default(null),
  completed_at: IsoDateTime.nullable().default(null),
});
export type GradingSessionState = z.infer<typeof GradingSessionState>;
export type GradingSessionStateInput = z.input<typeof GradingSessionState>;

export const GRADING_SESSION_STATUS_EVENTS = {
  PENDING: 'grading_session.pending',
  COLLECTING: 'grading_session.collecting',
  GRADING: 'grading_session.grading',
  REVIEWING: 'grading_session.reviewing',
  SUBMITTED: 'grading_session.submitted',
  FAULTED: 'grading_session.faulted',
} as const satisfies Record<GradingStatus, `grading_session.${string}`>;

type StatusPayload = { lablet_session_id: string; from: GradingStatus | null; to: GradingStatus };
export type GradingSessionEvent = EventUnion<
  { [S in GradingStatus as (typeof GRADING_SESSION_STATUS_EVENTS)[S]]: StatusPayload } & {
    'grading_session.evidence_recorded': { lablet_session_id: string; count: number };
  }
>;

export interface CreateGradingSessionInput {
  id: string;
  lablet_session_id: string;
  form_qualified_name?: string | null;
  grading_rules_uri?: string | null;
  devices?: DeviceAccessInfo[];
}

export class GradingSession extends AggregateRoot<GradingSessionState, GradingSessionEvent> {
  protected readonly aggregateType = 'grading_session' as const;

  static create(input: CreateGradingSessionInput, clock: Clock): GradingSession {
    const at = clock.now().toISOString();
    const grading = new GradingSession(
      GradingSessionState.parse({
        ...input,
        version: 0,
        created_at: at,
        updated_at: at,
        status: 'PENDING',
        status_history: [{ from: null, to: 'PENDING', at, reason: 'created', actor: null }],
      }),
      clock,
    );
    grading.raise('grading_session.pending', {
      lablet_session_id: input.lablet_session_id,
      from: null,
      to: 'PENDING',
    });
    return grading;
  }

  static fromState(state: GradingSessionStateInput, clock: Clock): GradingSession {
    return new GradingSession(GradingSessionState.parse(state), clock);
  }

  get status(): GradingStatus {
    return this.state.status;
  }

  get labletSessionId(): string {
    return this.state.lablet_session_id;
  }

  get errorMessage(): string | null {
    return this.state.error_message;
  }

  startCollecting(): void {
    if (!this.transitionTo('COLLECTING', 'collecting_output')) return;
    this.state.started_at = this.now();
  }

  recordEvidence(items: ReadonlyArray<Omit<GradingEvidence, 'collected_at'>>): void {
    if (items.length === 0) return;
    const at = this.now();
    this.state.evidence.push(...items.map((item) => ({ ...item, collected_at: at })));
    this.touch();
    this.raise('grading_session.evidence_recorded', {
      lablet_session_id: this.state.lablet_session_id,
      count: items.length,
    });
  }

  submit(input: {
    grading_session_id: string;
    pod_id?: string | null;
    grading_part_id?: string | null;
  }): void {
    if (!this.transitionTo('GRADING', 'submitted_to_engine')) return;
    this.state.grading_session_id = input.grading_session_id;
    this.state.pod_id = input.pod_id ?? null;
    this.state.grading_part_id = input.grading_part_id ?? null;
  }

  markReviewing(): void {
    this.transitionTo('REVIEWING', 'score_available');
  }

  markSubmitted(): void {
    if (!this.transitionTo('SUBMITTED', 'result_locked')) return;
    this.state.completed_at = this.now();
  }

  fault(error: string): void {
    if (!this.transitionTo('FAULTED', error)) return;
    this.state.error_message = error;
    this.state.completed_at = this.now();
  }

  private transitionTo(to: GradingStatus, reason: string): boolean {
    const from = this.state.status;
    if (!applyTransition(GRADING_SESSION_MACHINE, this.state, to, { at: this.now(), reason })) return false;
    this.raise(GRADING_SESSION_STATUS_EVENTS[to], {
      lablet_session_id: this.state.lablet_session_id,
      from,
      to,
    });
    return true;
  }
}
