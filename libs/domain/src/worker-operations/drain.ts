export type DrainStep =
  /** No session holds the worker any more: stop it. */
  | { kind: 'stop' }
  /** The drain timeout passed: terminate the remaining sessions through the control plane, then stop. */
  | { kind: 'terminate_sessions'; session_ids: string[] }
  /** Sessions still run: look again when the timeout would pass (or sooner). */
  | { kind: 'wait'; until: Date };

/** Spec §7.2 DRAINING row: stop once empty; past the template's drain timeout end what is left. */
export function nextDrainStep(input: {
  drain_started_at: string | null;
  drain_timeout_hours: number;
  active_session_ids: readonly string[];
  now: Date;
}): DrainStep {
  if (input.active_session_ids.length === 0) return { kind: 'stop' };
  const started = input.drain_started_at ? Date.parse(input.drain_started_at) : input.now.getTime();
  const deadline = new Date(started + input.drain_timeout_hours * 3_600_000);
  if (input.now.getTime() >= deadline.getTime())
    return { kind: 'terminate_sessions', session_ids: [...input.active_session_ids] };
  return { kind: 'wait', until: deadline };
}
