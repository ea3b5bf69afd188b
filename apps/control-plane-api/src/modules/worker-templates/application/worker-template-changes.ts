import { Inject, Injectable } from '@nestjs/common';
import { type WorkerTemplate, type WorkerTemplateState } from '@lcm/domain';
import { CommitRecorder } from '../../../platform/commit/commit-recorder';
import { AggregateChanges, aggregateStore } from '../../../platform/mongo/unit-of-work';
import { WorkerTemplateRepository } from '../infrastructure/worker-template.repository';
import { templateChanged, toWorkerTemplateView } from '../infrastructure/worker-template.views';

/**
 * The one way worker-template commands change a template: AggregateChanges over it, recorded as
 * audit entries and one `worker_template.created` or `.updated` SSE event when it raised any.
 */
@Injectable()
export class WorkerTemplateChanges extends AggregateChanges<WorkerTemplate, WorkerTemplateState> {
  constructor(
    @Inject(WorkerTemplateRepository) templates: WorkerTemplateRepository,
    @Inject(CommitRecorder) commits: CommitRecorder,
  ) {
    super(aggregateStore(templates), {
      recordCommit: ({ state, events }, actor) =>
        commits.record({
          events,
          actor,
          notifications:
            events.length === 0
              ? []
              : [
                  templateChanged(
                    events.some((event) => event.type === 'worker_template.created')
                      ? 'worker_template.created'
                      : 'worker_template.updated',
                    toWorkerTemplateView(state),
                  ),
                ],
        }),
    });
  }
}
