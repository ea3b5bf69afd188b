import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  cursorPosition,
  encodeCursor,
  type LabRevision,
  type LabRunRecord,
  type Page,
  type PageQuery,
} from '@lcm/contracts';
import { LabRecordRepository } from '../../infrastructure/lab-record.repository';

/**
 * Revisions and runs live inside the record (bounded: 50 runs, one revision per topology change),
 * so they are paged in memory, newest first. The cursor has the common shape (PageQuery): the
 * offset of the next item and the id of the last one shown. A cursor of that shape whose value is
 * no offset is a position nothing comes after (an empty page, never a 400 for a documented cursor).
 */
function pageNewestFirst<Item>(
  items: readonly Item[],
  idOf: (item: Item) => string,
  { limit, cursor }: PageQuery,
): Page<Item> {
  const newestFirst = [...items].reverse();
  const from = cursor === undefined ? '0' : (cursorPosition(cursor)?.v ?? '');
  const offset = /^\d+$/.test(from) ? Number(from) : newestFirst.length;
  const next = offset + limit;
  const shown = newestFirst.slice(offset, next);
  const last = shown.at(-1);
  return {
    items: shown,
    next_cursor: next < newestFirst.length && last ? encodeCursor(String(next), idOf(last)) : null,
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
    return pageNewestFirst(
      (await this.labs.getById(labRecordId)).toState().revision_history,
      (revision) => String(revision.revision),
      page,
    );
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
    return pageNewestFirst(
      (await this.labs.getById(labRecordId)).toState().run_history,
      (run) => run.run_id,
      page,
    );
  }
}
