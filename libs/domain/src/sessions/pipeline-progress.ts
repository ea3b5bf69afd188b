type StepResults = Record<string, unknown> | null;

/** A step's entry that states its results whole: the step is over. */
const FINAL_STEP_STATUSES: ReadonlySet<string> = new Set(['completed', 'skipped']);

/**
 * The results a pipeline step keeps once `entry` is recorded over its `recorded` progress. While
 * the step is unfinished (pending, running, failed) an entry keeps what the step recorded before
 * and does not name again: the id of an outside resource it created (the LDS session, spec
 * §7.3.2), which its rerun must carry on with, and the attempts it spent. The lablet-controller
 * builds such an entry from its copy of the session, which lacks an entry whose write took effect
 * while its answer was lost. A completed or skipped entry states the step's results whole.
 */
export function stepResultsAfter(
  recorded: { result_data: StepResults } | undefined,
  entry: { status: string; result_data: StepResults },
): StepResults {
  if (FINAL_STEP_STATUSES.has(entry.status) || !recorded?.result_data) return entry.result_data;
  return { ...recorded.result_data, ...entry.result_data };
}
