import { DomainError } from '../shared/domain-error';
import type { CapacityDimension } from './capacity';

export type NotAcceptingReason = 'not_running' | 'service_not_available' | 'capacity_undeclared';

/** The worker takes no new sessions: not RUNNING + AVAILABLE, or (decision 13) no declared capacity. */
export class WorkerNotAcceptingError extends DomainError {
  readonly code = 'WORKER.NOT_ACCEPTING' as const;

  constructor(
    readonly workerId: string,
    readonly reason: NotAcceptingReason,
  ) {
    super(`worker ${workerId} does not accept sessions (${reason})`, { workerId, reason });
  }
}

export class CapacityExceededError extends DomainError {
  readonly code = 'WORKER.CAPACITY_EXCEEDED' as const;

  constructor(
    readonly workerId: string,
    readonly dimensions: readonly CapacityDimension[],
  ) {
    super(`worker ${workerId} lacks capacity in ${dimensions.join(', ')}`, { workerId, dimensions });
  }
}

export class PortsExhaustedError extends DomainError {
  readonly code = 'WORKER.PORTS_EXHAUSTED' as const;

  constructor(
    readonly workerId: string,
    readonly requested: number,
    readonly free: number,
  ) {
    super(`worker ${workerId} has ${free} free ports, ${requested} needed`, { workerId, requested, free });
  }
}

/** Two holders would share a port, or a port lies outside the worker's range. */
export class PortConflictError extends DomainError {
  readonly code = 'WORKER.PORT_CONFLICT' as const;

  constructor(
    readonly workerId: string,
    readonly ports: readonly number[],
    /** Why these ports cannot be had, e.g. `are held by another session or lab`. */
    readonly detail: string,
  ) {
    super(`worker ${workerId}: ports ${ports.join(', ')} ${detail}`, { workerId, ports });
  }
}
