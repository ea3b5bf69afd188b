import { Inject, Injectable } from '@nestjs/common';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { type Clock, CmlWorker, type CmlWorkerState, type DomainEvent } from '@lcm/domain';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import { notFound } from '../../../platform/http/api-error';
import { CLOCK } from '../../../platform/platform.tokens';
import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { type RecordedEvent } from '../../../platform/mongo/outbox';
import { retryOnConflict } from '../../../platform/mongo/unit-of-work';
import { CmlWorkerRepository } from '../infrastructure/cml-worker.repository';
import { workerNotifications } from '../infrastructure/cml-worker.views';
import { WorkersEtcdProjector } from '../infrastructure/workers.etcd-projector';
import { WorkerViewFactory } from '../infrastructure/worker-view-factory';
import { WorkerControlRequests } from '../infrastructure/worker-control-requests';
import { WorkerStatusCascade } from './worker-status-cascade';

/** What a command did to a worker beyond the domain events the aggregate raised. */
export interface WorkerUpdate {
  /** The control requests to store with the worker (default: unchanged). */
  requests?: WorkerControlRequests;
  /** Why the desired status changed, for the desired key. */
  reason?: string | null;
  /** Audit entries for actions the domain has no event for. */
  auditEvents?: DomainEvent[];
  /** SSE events besides the ones the domain events stand for. */
  notifications?: (worker: CmlWorkerView) => ChangeEvent[];
}

export interface CommittedWorker {
  state: CmlWorkerState;
  view: CmlWorkerView;
}

/** A worker loser of a concurrency race is re-read and the command re-applied this often before 409. */
const CONFLICT_ATTEMPTS = 5;

/**
 * The one way worker commands change a worker: load it with its control requests, apply the
 * command, save both in one version-checked write (re-applied on a lost race), then record the
 * commit (audit, etcd projection, SSE) and run the status cascades.
 */
@Injectable()
export class WorkerChanges {
  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(WorkersEtcdProjector) private readonly projector: WorkersEtcdProjector,
    @Inject(WorkerStatusCascade) private readonly cascade: WorkerStatusCascade,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WorkerViewFactory) private readonly views: WorkerViewFactory,
  ) {}

  async create(worker: CmlWorker, actor: string, update: WorkerUpdate = {}): Promise<CommittedWorker> {
    const requests =
      update.requests ??
      WorkerControlRequests.parse({
        desired: { reason: update.reason ?? null, requested_by: actor, at: this.clock.now().toISOString() },
      });
    const committed = await this.workers.saveWithSidecar(worker, requests, update.auditEvents);
    return this.record(committed.state, committed.events, actor, update);
  }

  async update(
    workerId: string,
    actor: string,
    apply: (
      worker: CmlWorker,
      requests: WorkerControlRequests,
    ) => WorkerUpdate | void | Promise<WorkerUpdate | void>,
  ): Promise<CommittedWorker> {
    let update: WorkerUpdate = {};
    const committed = await retryOnConflict(async () => {
      const stored = await this.workers.findStateById(workerId);
      if (!stored) throw notFound('worker', workerId);
      const requests = this.workers.sidecarOf(stored);
      const worker = CmlWorker.fromState(stored, this.clock);
      const before = JSON.stringify([worker.toState(), requests]);
      update = (await apply(worker, requests)) ?? {};
      let nextRequests = update.requests ?? requests;
      if (worker.desiredStatus !== stored.desired_status) {
        nextRequests = {
          ...nextRequests,
          desired: { reason: update.reason ?? null, requested_by: actor, at: this.clock.now().toISOString() },
        };
      }
      if (JSON.stringify([worker.toState(), nextRequests]) === before)
        return { state: stored, events: [...worker.pullEvents(), ...(update.auditEvents ?? [])] };
      return this.workers.saveWithSidecar(worker, nextRequests, update.auditEvents);
    }, CONFLICT_ATTEMPTS);
    return this.record(committed.state, committed.events, actor, update);
  }

  /** `events`: what the write committed, audit-only events included. */
  private async record(
    state: CmlWorkerState,
    events: RecordedEvent[],
    actor: string,
    update: WorkerUpdate,
  ): Promise<CommittedWorker> {
    const view = this.views.of(state);
    if (events.length > 0 || update.notifications) {
      await this.commits.record({
        events,
        actor,
        notifications: [...workerNotifications(events, view), ...(update.notifications?.(view) ?? [])],
        project: () => this.projector.project(state),
      });
    }
    await this.cascade.follow(state.id, events, actor);
    return { state, view };
  }
}
