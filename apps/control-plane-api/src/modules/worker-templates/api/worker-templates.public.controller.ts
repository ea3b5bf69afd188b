import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { apiContract, type Page, type WorkerTemplate } from '@lcm/contracts';
import { Actor } from '../../../platform/http/actor.decorator';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { CreateWorkerTemplateCommand } from '../application/commands/create-worker-template.command';
import { DeleteWorkerTemplateCommand } from '../application/commands/delete-worker-template.command';
import { UpdateWorkerTemplateCommand } from '../application/commands/update-worker-template.command';
import { GetWorkerTemplateQuery } from '../application/queries/get-worker-template.query';
import { ListWorkerTemplatesQuery } from '../application/queries/list-worker-templates.query';

const routes = apiContract.public.workerTemplates;

@Controller()
export class WorkerTemplatesPublicController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @ContractRoute(routes.listWorkerTemplates)
  list(@Input() input: ContractInput<typeof routes.listWorkerTemplates>): Promise<Page<WorkerTemplate>> {
    return this.queries.execute(new ListWorkerTemplatesQuery(input.query));
  }

  @ContractRoute(routes.createWorkerTemplate)
  create(
    @Input() input: ContractInput<typeof routes.createWorkerTemplate>,
    @Actor() actor: string,
  ): Promise<WorkerTemplate> {
    return this.commands.execute(new CreateWorkerTemplateCommand(input.body, actor));
  }

  @ContractRoute(routes.getWorkerTemplate)
  get(@Input() input: ContractInput<typeof routes.getWorkerTemplate>): Promise<WorkerTemplate> {
    return this.queries.execute(new GetWorkerTemplateQuery(input.params.worker_template_id));
  }

  @ContractRoute(routes.updateWorkerTemplate)
  update(
    @Input() input: ContractInput<typeof routes.updateWorkerTemplate>,
    @Actor() actor: string,
  ): Promise<WorkerTemplate> {
    return this.commands.execute(
      new UpdateWorkerTemplateCommand(input.params.worker_template_id, input.body, actor),
    );
  }

  @ContractRoute(routes.deleteWorkerTemplate)
  delete(
    @Input() input: ContractInput<typeof routes.deleteWorkerTemplate>,
    @Actor() actor: string,
  ): Promise<void> {
    return this.commands.execute(new DeleteWorkerTemplateCommand(input.params.worker_template_id, actor));
  }
}
