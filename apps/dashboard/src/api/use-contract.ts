import { notifications } from '@mantine/notifications';
import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Route } from '@lcm/contracts';
import { api } from './api';
import { ApiProblem } from './api-problem';
import { type CallInput, type CallOutput } from './contract-client';
import { upsertItem } from './live-cache';
import { type Resource } from './query-keys';

export function describeProblem(error: ApiProblem): string {
  const fields = error.fieldErrors.map((field) => `${field.field || '(body)'}: ${field.message}`);
  return [error.problem.detail, ...fields].filter(Boolean).join(' · ');
}

/** A read of one contract route, cached under `key`. */
export function useContractQuery<R extends Route>(
  key: QueryKey,
  route: R,
  input: CallInput<R>,
  options: { enabled?: boolean; refetchInterval?: number } = {},
) {
  return useQuery({
    queryKey: key,
    queryFn: () => api.call(route, input),
    ...options,
  });
}

export interface ActionOptions<R extends Route> {
  /** Named in the success notice, e.g. "Session terminated". */
  success: string;
  onDone?: (result: CallOutput<R>) => void;
  /** Queries whose answer the action changes and that no live event covers. */
  refresh?: QueryKey[];
  /** The route answers with the changed item of this resource: it goes into the cache at once. */
  resource?: Resource;
}

/** A change through one contract route; its problem (title, fields) stays on the mutation for display. */
export function useContractAction<R extends Route>(route: R, options: ActionOptions<R>) {
  const client = useQueryClient();
  return useMutation<CallOutput<R>, ApiProblem, CallInput<R>>({
    mutationFn: (input) => api.call(route, input),
    // Every failed action says why, as the problem document names it (title, detail, fields).
    onError: (error) =>
      notifications.show({
        color: 'red',
        title: error instanceof ApiProblem ? `${error.problem.title} (${error.status})` : 'Request failed',
        message: error instanceof ApiProblem ? describeProblem(error) : String(error),
        autoClose: 10_000,
      }),
    onSuccess: (result) => {
      notifications.show({ message: options.success, color: 'green' });
      if (options.resource && result && typeof result === 'object' && 'id' in result && 'version' in result)
        upsertItem(client, options.resource, result as { id: string; version: number });
      options.refresh?.forEach((queryKey) => void client.invalidateQueries({ queryKey }));
      options.onDone?.(result);
    },
  });
}
