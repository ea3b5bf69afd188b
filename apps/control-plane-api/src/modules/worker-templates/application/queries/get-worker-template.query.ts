import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type WorkerTemplate } from '@lcm/contracts';
import { notFound } from '../../../../platform/http/api-error';
import { WorkerTemplateRepository } from '../../infrastructure/worker-template.repository';
import { toWorkerTemplateView } from '../../infrastructure/worker-template.views';

export class GetWorkerTemplateQuery extends Query<WorkerTemplate> {
  constructor(readonly templateId: string) {
    super();
  }
}

@QueryHandler(GetWorkerTemplateQuery)
export class GetWorkerTemplateHandler implements IQueryHandler<GetWorkerTemplateQuery> {
  constructor(@Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository) {}

  async execute({ templateId }: GetWorkerTemplateQuery): Promise<WorkerTemplate> {
    const state = await this.templates.findStateById(templateId);
    if (!state) throw notFound('worker template', templateId);
    return toWorkerTemplateView(state);
  }
}
