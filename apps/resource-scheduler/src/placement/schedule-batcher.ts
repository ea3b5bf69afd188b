import {
  apiContract,
  type LabletSession,
  MAX_BATCH_PLACEMENTS,
  type ProblemDetails,
  type ScheduleBatchBody,
} from '@lcm/contracts';
import { type ControlPlane, type CpaError, errorClassForStatus } from '@lcm/cpa-client';

type Placement = ScheduleBatchBody['placements'][number];

interface Waiting {
  readonly placement: Placement;
  resolve(session: LabletSession): void;
  reject(error: unknown): void;
}

const route = apiContract.internal.sessions.scheduleBatch;

/** A refused placement as the error the single schedule route would have thrown (409, 422, 404…), with the session's current status when the problem names it. */
function refusal(problem: ProblemDetails): CpaError {
  const ErrorClass = errorClassForStatus(problem.status);
  return new ErrorClass({
    method: route.method,
    path: route.path,
    status: problem.status,
    code: problem.code,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(problem.current_status ? { currentStatus: problem.current_status } : {}),
    ...(problem.requested_status ? { requestedStatus: problem.requested_status } : {}),
  });
}

/**
 * Gathers the placements that concurrent reconciles decide within `windowMs` into one call of the
 * batch schedule route, in which the control plane validates and allocates each worker's share in
 * one write (so placements that pack one worker do not contend for it). Every caller gets its own
 * answer: the scheduled session, or the error its refusal stands for.
 */
export class ScheduleBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly cpa: ControlPlane,
    private readonly windowMs: number,
  ) {}

  schedule(sessionId: string, workerId: string): Promise<LabletSession> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ placement: { session_id: sessionId, worker_id: workerId }, resolve, reject });
      if (this.waiting.length >= MAX_BATCH_PLACEMENTS) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.waiting.splice(0, MAX_BATCH_PLACEMENTS);
    if (this.waiting.length > 0) this.timer = setTimeout(() => this.flush(), this.windowMs);
    if (batch.length > 0) void this.send(batch);
  }

  private async send(batch: Waiting[]): Promise<void> {
    try {
      const { results } = await this.cpa.sessions.scheduleBatch({
        body: { placements: batch.map((item) => item.placement) },
      });
      const bySession = new Map(results.map((result) => [result.session_id, result]));
      for (const item of batch) {
        const result = bySession.get(item.placement.session_id);
        if (!result)
          item.reject(new Error(`the batch answer has no result for session ${item.placement.session_id}`));
        else if (result.outcome === 'scheduled') item.resolve(result.session);
        else item.reject(refusal(result.problem));
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
}
