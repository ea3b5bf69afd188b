import { Controller } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { apiContract, type AuditEntry, type Page } from '@lcm/contracts';
import { ContractRoute, type ContractInput, Input } from '../../../platform/http/contract-route';
import { ListAuditEntriesQuery } from '../application/queries/list-audit-entries.query';

const routes = apiContract.public.audit;

@Controller()
export class AuditPublicController {
  constructor(private readonly queries: QueryBus) {}

  @ContractRoute(routes.listAuditEntries)
  list(@Input() { query }: ContractInput<typeof routes.listAuditEntries>): Promise<Page<AuditEntry>> {
    return this.queries.execute(new ListAuditEntriesQuery(query));
  }
}
