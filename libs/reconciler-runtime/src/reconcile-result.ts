/**
 * What one reconcile step tells the runtime to do next, after controller-runtime's
 * `reconcile.Result`: nothing more (done), look again after a delay (requeue), or retry with
 * exponential backoff (error). A `TerminalError` is logged and counted but gets no backoff
 * retries: waiting cannot fix the input (e.g. a malformed entity); like `done`, the key comes back
 * only with the entity's next change or the periodic resync.
 */
export type ReconcileResult =
  | { readonly kind: 'done' }
  | { readonly kind: 'requeue'; readonly afterMs: number; readonly reason?: string }
  | { readonly kind: 'error'; readonly error: unknown };

export const done = (): ReconcileResult => ({ kind: 'done' });

export const requeueAfter = (afterMs: number, reason?: string): ReconcileResult => ({
  kind: 'requeue',
  afterMs: Math.max(0, Math.round(afterMs)),
  ...(reason ? { reason } : {}),
});

export const failed = (error: unknown): ReconcileResult => ({ kind: 'error', error });

export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export const isTerminalError = (error: unknown): error is TerminalError => error instanceof TerminalError;

/** The outcome label a finished reconcile is counted under. */
export type ReconcileOutcome = 'done' | 'requeue' | 'error' | 'terminal' | 'aborted';

/**
 * Combines the results of independent sub-steps (karpenter's `result.Min`): any error wins, else the
 * earliest requeue, else done.
 */
export function mergeResults(results: readonly ReconcileResult[]): ReconcileResult {
  const error = results.find((result) => result.kind === 'error');
  if (error) return error;
  const requeues = results.filter((result) => result.kind === 'requeue');
  if (requeues.length === 0) return done();
  return requeues.reduce((earliest, next) => (next.afterMs < earliest.afterMs ? next : earliest));
}
