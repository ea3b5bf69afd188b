import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type InternalScaleUpBody, type ScaleUpAccepted } from '@lcm/contracts';
import { type Clock, CmlWorker, newId } from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { SystemSettingsRepository } from '../../../settings';
import { WorkerTemplateRepository } from '../../../worker-templates';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { workerEvent } from '../../infrastructure/cml-worker.views';
import { defaultWorkerName, enabledTemplate } from '../template-for-worker';
import { WorkerChanges } from '../worker-changes';

export class RequestScaleUpCommand extends Command<ScaleUpAccepted> {
  constructor(
    readonly body: InternalScaleUpBody,
    readonly actor: string,
  ) {
    super();
  }
}

/**
 * A new PENDING worker in the template's region (spec §7.1 step 6): 404 unknown template, 400
 * disabled template, 409 when the region already has scaling.max_workers workers that are not
 * TERMINATED. The count is read before the insert; the single caller is the leader-elected
 * resource-scheduler, so concurrent requests that could overshoot by one do not arise in practice.
 */
@CommandHandler(RequestScaleUpCommand)
export class RequestScaleUpHandler implements ICommandHandler<RequestScaleUpCommand> {
  constructor(
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(SystemSettingsRepository) private readonly settings: SystemSettingsRepository,
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: RequestScaleUpCommand): Promise<ScaleUpAccepted> {
    const template = await enabledTemplate(this.templates, body.template_id);
    const region = template.toState().region;
    const { max_workers } = (await this.settings.loadOrCreateDefault()).sections.scaling;
    const live = await this.workers.countLiveWorkersInRegion(region);
    if (live >= max_workers)
      throw new ApiError(
        'CONFLICT',
        `region ${region} already has ${live} workers (scaling.max_workers is ${max_workers})`,
      );
    const id = newId();
    const worker = CmlWorker.create(
      {
        id,
        name: defaultWorkerName(template, id),
        aws_region: region,
        template,
        origin: 'scale_up',
        created_by: actor,
      },
      this.clock,
    );
    await this.changes.create(worker, actor, {
      reason: body.reason,
      notifications: (view) => [
        workerEvent(
          'worker.scale_up.requested',
          {
            worker_id: id,
            template_id: template.id,
            reason: body.reason,
            lablet_session_id: body.lablet_session_id ?? null,
          },
          view.created_at,
        ),
      ],
    });
    return { worker_id: id };
  }
}
