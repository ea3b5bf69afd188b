import { type Logger } from '@lcm/observability';
import { type BackoffPolicy } from './backoff';
import { type KeySource } from './key-source';
import { type ReconcileResult } from './reconcile-result';

/** What one reconcile run gets besides its key. */
export interface ReconcileContext {
  readonly key: string;
  /** Correlation id of this run; the control-plane client sends it with every call. */
  readonly reconcileId: string;
  /** Aborted the moment this replica stops leading; long waits must give up on it. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Consecutive failures of this key before this run (0 after a success). */
  readonly failures: number;
}

/**
 * One reconciler: reads desired and actual state for one key, takes one idempotent step and says
 * what next. A crash at any point is repaired by running the step again.
 */
export interface Reconciler {
  /** Names the reconciler in logs, metrics and the admin API, e.g. `session-placement`. */
  readonly name: string;
  readonly sources: readonly KeySource[];
  readonly parallelism?: number;
  readonly backoff?: BackoffPolicy;
  reconcile(key: string, context: ReconcileContext): Promise<ReconcileResult>;
}
