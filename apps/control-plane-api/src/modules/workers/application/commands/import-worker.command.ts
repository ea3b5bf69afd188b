import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CmlWorker as CmlWorkerView, type ImportWorkerBody } from '@lcm/contracts';
import { type Clock, CmlWorker, newId } from '@lcm/domain';
import { ApiError } from '../../../../platform/http/api-error';
import { CLOCK } from '../../../../platform/platform.tokens';
import { WorkerTemplateRepository } from '../../../worker-templates';
import { CmlWorkerRepository } from '../../infrastructure/cml-worker.repository';
import { WorkerChanges } from '../worker-changes';

export class ImportWorkerCommand extends Command<CmlWorkerView> {
  constructor(
    readonly body: ImportWorkerBody,
    readonly actor: string,
  ) {
    super();
  }
}

/** CPA never calls AWS (decision 7): the EC2 state is read later by the worker-controller. */
const EC2_STATE_NOT_YET_READ = 'unknown';

/**
 * Registers an existing EC2 instance as an UNKNOWN worker; the worker-controller reads the
 * instance (or, given only an AMI id or name, finds it) and reports its real status. Without a
 * template or explicit capacity the worker is kept but never placeable (decision 13).
 */
@CommandHandler(ImportWorkerCommand)
export class ImportWorkerHandler implements ICommandHandler<ImportWorkerCommand> {
  constructor(
    @Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository,
    @Inject(CmlWorkerRepository) private readonly workers: CmlWorkerRepository,
    @Inject(WorkerChanges) private readonly changes: WorkerChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ body, actor }: ImportWorkerCommand): Promise<CmlWorkerView> {
    const template = body.template_id ? await this.templates.getById(body.template_id) : null;
    if (body.aws_instance_id && (await this.workers.findLiveWorkerWithInstance(body.aws_instance_id))) {
      throw new ApiError(
        'DUPLICATE',
        `EC2 instance ${body.aws_instance_id} is already registered as a worker`,
      );
    }
    const id = newId();
    const imported = CmlWorker.importFromEc2(
      {
        id,
        name: body.name ?? body.aws_instance_id ?? `imported-${id.slice(0, 8)}`,
        aws_region: body.aws_region,
        aws_instance_id: body.aws_instance_id ?? null,
        ami_id: body.ami_id ?? null,
        ami_name: body.ami_name ?? null,
        created_by: actor,
        ec2_state: EC2_STATE_NOT_YET_READ,
        template,
        declared_capacity: body.declared_capacity ?? null,
      },
      this.clock,
    );
    return (await this.changes.create(imported, actor, { reason: 'imported' })).view;
  }
}
