import { createLogger } from '@lcm/observability';
import { type ReconcileContext } from '@lcm/reconciler-runtime';

/** A reconcile context for calling a reconciler directly in unit tests. */
export const reconcileContext = (key: string): ReconcileContext => ({
  key,
  reconcileId: `test-${key}`,
  signal: new AbortController().signal,
  log: createLogger({ service: 'test', level: 'silent' }),
  failures: 0,
});
