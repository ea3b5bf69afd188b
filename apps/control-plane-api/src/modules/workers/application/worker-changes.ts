import { Inject, Injectable } from '@nestjs/common';
import { type CmlWorker as CmlWorkerView } from '@lcm/contracts';
import { type Clock, CmlWorker, type CmlWorkerState, type DomainEvent } from '@lcm/domain';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import { CLOCK } from '../../../platform/platform.tokens';
import { type ChangeEvent } from '../../../platform/change-events/change-event-bus';
import { type Committed } from '../../../platform/mongo/aggregate-repository';
import {
  AggregateChanges,
  type AggregateCommitRecorder,
  type AggregateStore,
} from '../../../platform/mongo/unit-of-work';
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

/** A worker as a command works on it: the aggregate, the control requests stored beside it, what the command asked. */
interface WorkerUnit {
  /** As loaded; null for a new worker. */
  stored: CmlWorkerState | null;
  worker: CmlWorker;
  requests: WorkerControlRequests;
  update: WorkerUpdate;
}

/**
 * The one way worker commands change a worker: AggregateChanges over the worker with its control
 * requests (saved together in one version-checked write), recorded as audit, etcd projection and
 * SSE, followed by the status cascades.
 */
@Injectable()
export class WorkerChanges implements AggregateCommitRecorder<WorkerUnit, CmlWorkerState> {
  private readonly changes: AggregateChanges<WorkerUnit, CmlWorkerState>;

  constructor(
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(CommitRecorder) private readonly commits: CommitRecorder,
    @Inject(WorkersEtcdProjector) private readonly projector: WorkersEtcdProjector,
    @Inject(WorkerStatusCascade) private readonly cascade: WorkerStatusCascade,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WorkerViewFactory) private readonly views: WorkerViewFactory,
  ) {
    this.changes = new AggregateChanges(this.store(), this);
  }

  async create(worker: CmlWorker, actor: string, update: WorkerUpdate = {}): Promise<CommittedWorker> {
    const requests = update.requests ?? WorkerControlRequests.parse({ desired: this.desired(actor, update) });
    return this.answer(await this.changes.save({ stored: null, worker, requests, update }, actor));
  }

  async update(
    workerId: string,
    actor: string,
    apply: (
      worker: CmlWorker,
      requests: WorkerControlRequests,
    ) => WorkerUpdate | void | Promise<WorkerUpdate | void>,
  ): Promise<CommittedWorker> {
    const committed = await this.changes.update(workerId, actor, async (unit) => {
      unit.update = (await apply(unit.worker, unit.requests)) ?? {};
      const requests = unit.update.requests ?? unit.requests;
      unit.requests =
        unit.worker.desiredStatus === unit.stored?.desired_status
          ? requests
          : { ...requests, desired: this.desired(actor, unit.update) };
    });
    return this.answer(committed);
  }

  /** What the write committed (audit-only events included): audit, etcd key, SSE, then the cascades. */
  async recordCommit(
    { state, events }: Committed<CmlWorkerState>,
    actor: string,
    { update }: WorkerUnit,
  ): Promise<void> {
    if (events.length > 0 || update.notifications) {
      const view = this.views.of(state);
      await this.commits.record({
        events,
        actor,
        notifications: [...workerNotifications(events, view), ...(update.notifications?.(view) ?? [])],
        project: () => this.projector.project(state),
      });
    }
    await this.cascade.follow(state.id, events, actor);
  }

  private answer({ state }: Committed<CmlWorkerState>): CommittedWorker {
    return { state, view: this.views.of(state) };
  }

  /** Who asked for the desired status and why, stored beside it. */
  private desired(actor: string, update: WorkerUpdate): WorkerControlRequests['desired'] {
    return { reason: update.reason ?? null, requested_by: actor, at: this.clock.now().toISOString() };
  }

  private store(): AggregateStore<WorkerUnit, CmlWorkerState> {
    const workers = this.workers;
    return {
      entity: workers.entity,
      load: async (id) => {
        const stored = await workers.findStateById(id);
        if (!stored) return null;
        const worker = CmlWorker.fromState(stored, this.clock);
        return { stored, worker, requests: workers.sidecarOf(stored), update: {} };
      },
      snapshot: ({ worker, requests }) => JSON.stringify([worker.toState(), requests]),
      save: ({ worker, requests, update }) => workers.saveWithSidecar(worker, requests, update.auditEvents),
      unchanged: ({ stored, worker, update }) => ({
        state: stored ?? worker.toState(),
        events: [...worker.pullEvents(), ...(update.auditEvents ?? [])],
      }),
    };
  }
}
