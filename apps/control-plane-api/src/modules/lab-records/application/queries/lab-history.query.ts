import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type LabRevision, type LabRunRecord, type Page, type PageQuery } from '@lcm/contracts';
import { invalidInput } from '../../../../platform/http/api-error';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';

/**
 * Revisions and runs live inside the record (bounded: 50 runs, one revision per topology change),
 * so they are paged in memory, newest first; the cursor is the offset of the next item.
 */
function pageNewestFirst<Item>(items: readonly Item[], { limit, cursor }: PageQuery): Page<Item> {
  const offset =
    cursor === undefined ? 0 : Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0)
    throw invalidInput([{ field: 'query.cursor', message: 'invalid cursor' }]);
  const newestFirst = [...items].reverse();
  const next = offset + limit;
  return {
    items: newestFirst.slice(offset, next),
    next_cursor: next < newestFirst.length ? Buffer.from(String(next)).toString('base64url') : null,
  };
}

export class ListLabRevisionsQuery extends Query<Page<LabRevision>> {
  constructor(
    readonly labRecordId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

@QueryHandler(ListLabRevisionsQuery)
export class ListLabRevisionsHandler implements IQueryHandler<ListLabRevisionsQuery> {
  constructor(private readonly labs: LabRecordRepository) {}

  async execute({ labRecordId, page }: ListLabRevisionsQuery): Promise<Page<LabRevision>> {
    return pageNewestFirst((await this.labs.getById(labRecordId)).toState().revision_history, page);
  }
}

export class ListLabRunsQuery extends Query<Page<LabRunRecord>> {
  constructor(
    readonly labRecordId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

@QueryHandler(ListLabRunsQuery)
export class ListLabRunsHandler implements IQueryHandler<ListLabRunsQuery> {
  constructor(private readonly labs: LabRecordRepository) {}

  async execute({ labRecordId, page }: ListLabRunsQuery): Promise<Page<LabRunRecord>> {
    return pageNewestFirst((await this.labs.getById(labRecordId)).toState().run_history, page);
  }
}
