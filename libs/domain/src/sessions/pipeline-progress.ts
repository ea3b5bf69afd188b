type StepResults = Record<string, unknown> | null;

/**
 * The results a pipeline step keeps once `entry` is recorded over its `recorded` progress. A
 * failure entry keeps what the step recorded before and does not name again: an earlier entry may
 * hold the id of an outside resource the step created (the LDS session, spec §7.3.2), which the
 * step's rerun must carry on with, and the lablet-controller builds a failure entry from its copy
 * of the session, which lacks an entry whose write took effect while its answer was lost. Any
 * other entry states the step's results whole.
 */
export function stepResultsAfter(
  recorded: { result_data: StepResults } | undefined,
  entry: { status: string; result_data: StepResults },
): StepResults {
  if (entry.status !== 'failed' || !recorded?.result_data) return entry.result_data;
  return { ...recorded.result_data, ...entry.result_data };
}
