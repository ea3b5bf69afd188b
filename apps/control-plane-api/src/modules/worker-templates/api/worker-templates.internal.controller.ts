import { Controller, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { apiContract, type Page, type WorkerTemplate } from '@lcm/contracts';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { GetWorkerTemplateQuery } from '../application/queries/get-worker-template.query';
import { ListWorkerTemplatesQuery } from '../application/queries/list-worker-templates.query';

const routes = apiContract.internal.workerTemplates;

@Controller()
export class WorkerTemplatesInternalController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @ContractRoute(routes.listWorkerTemplates)
  list(@Input() input: ContractInput<typeof routes.listWorkerTemplates>): Promise<Page<WorkerTemplate>> {
    return this.queries.execute(new ListWorkerTemplatesQuery(input.query));
  }

  @ContractRoute(routes.getWorkerTemplate)
  get(@Input() input: ContractInput<typeof routes.getWorkerTemplate>): Promise<WorkerTemplate> {
    return this.queries.execute(new GetWorkerTemplateQuery(input.params.worker_template_id));
  }
}
