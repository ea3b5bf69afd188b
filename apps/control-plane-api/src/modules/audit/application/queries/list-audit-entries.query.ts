import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type Filter } from 'mongodb';
import { type AuditEntry, encodeCursor, type ListAuditQuery, type Page } from '@lcm/contracts';
import { decodeCursor } from '../../../../platform/mongo/page-cursor';
import { AuditLog, type AuditDocument } from '../../../../platform/audit/audit-log';

/** The position after an entry, newest first: its time (ms) and id, since many entries share one instant. */
interface AuditPosition {
  at: number;
  id: string;
}

function encodePosition(entry: AuditDocument): string {
  return encodeCursor(String(entry.at.getTime()), entry._id);
}

/**
 * A cursor of the common shape (page-cursor.ts) whose sort value is a time in ms; null for one
 * whose value is no time, a position no entry comes after (every cursor of the documented shape
 * is a position, so it pages, to an empty page, instead of being refused).
 */
function decodePosition(cursor: string): AuditPosition | null {
  const { v, id } = decodeCursor(cursor);
  const at = Number(v);
  return /^-?\d+$/.test(v) && Number.isSafeInteger(at) && Math.abs(at) <= 8.64e15 ? { at, id } : null;
}

function toFilter(query: ListAuditQuery): Filter<AuditDocument> {
  const { limit: _limit, cursor, from, to, ...fields } = query;
  const clauses: Filter<AuditDocument>[] = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => ({ [field]: value }) as Filter<AuditDocument>);
  if (from) clauses.push({ at: { $gte: new Date(from) } });
  if (to) clauses.push({ at: { $lte: new Date(to) } });
  if (cursor) {
    const after = decodePosition(cursor);
    if (after === null) clauses.push({ _id: { $exists: false } });
    else {
      const at = new Date(after.at);
      clauses.push({ $or: [{ at: { $lt: at } }, { at, _id: { $lt: after.id } }] });
    }
  }
  return clauses.length > 0 ? { $and: clauses } : {};
}

/** The audit log (decision 15), newest first, filtered by actor, action, target, correlation id and time. */
export class ListAuditEntriesQuery extends Query<Page<AuditEntry>> {
  constructor(readonly query: ListAuditQuery) {
    super();
  }
}

@QueryHandler(ListAuditEntriesQuery)
export class ListAuditEntriesHandler implements IQueryHandler<ListAuditEntriesQuery> {
  constructor(private readonly audit: AuditLog) {}

  async execute({ query }: ListAuditEntriesQuery): Promise<Page<AuditEntry>> {
    const documents = await this.audit.collection
      .find(toFilter(query))
      .sort({ at: -1, _id: -1 })
      .limit(query.limit + 1)
      .toArray();
    const items = documents.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(AuditLog.toEntry),
      next_cursor: documents.length > query.limit && last ? encodePosition(last) : null,
    };
  }
}
