import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type ListWorkerTemplatesQuery as ListQuery, type Page, type WorkerTemplate } from '@lcm/contracts';
import { mapPage } from '../../../../platform/mongo/state-page';
import { WorkerTemplateRepository } from '../../infrastructure/worker-template.repository';
import { toWorkerTemplateView } from '../../infrastructure/worker-template.views';

export class ListWorkerTemplatesQuery extends Query<Page<WorkerTemplate>> {
  constructor(readonly filter: ListQuery) {
    super();
  }
}

@QueryHandler(ListWorkerTemplatesQuery)
export class ListWorkerTemplatesHandler implements IQueryHandler<ListWorkerTemplatesQuery> {
  constructor(@Inject(WorkerTemplateRepository) private readonly templates: WorkerTemplateRepository) {}

  async execute({ filter }: ListWorkerTemplatesQuery): Promise<Page<WorkerTemplate>> {
    return mapPage(await this.templates.findPage(filter), toWorkerTemplateView);
  }
}
