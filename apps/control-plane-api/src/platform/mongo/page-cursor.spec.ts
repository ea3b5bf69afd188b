import { ApiError } from '../http/api-error';
import { afterCursor, encodeCursor, keysetSort, pageOf } from './page-cursor';

const order = { sortField: 'created_at', direction: -1 } as const;

describe('keyset paging', () => {
  it('hands out a cursor only when another page exists and continues strictly after the last item', () => {
    const items = [
      { id: 'b', created_at: '2030-01-01T00:00:02.000Z' },
      { id: 'a', created_at: '2030-01-01T00:00:01.000Z' },
      { id: 'z', created_at: '2030-01-01T00:00:00.000Z' },
    ];
    const page = pageOf(items, 2, order);
    expect(page.items.map((item) => item.id)).toEqual(['b', 'a']);
    expect(page.next_cursor).toBe(encodeCursor('2030-01-01T00:00:01.000Z', 'a'));
    expect(pageOf(items, 3, order).next_cursor).toBeNull();

    expect(afterCursor({ owner: 'x' }, order, page.next_cursor ?? undefined)).toEqual({
      $and: [
        { owner: 'x' },
        {
          $or: [
            { created_at: { $lt: '2030-01-01T00:00:01.000Z' } },
            { created_at: '2030-01-01T00:00:01.000Z', _id: { $lt: 'a' } },
          ],
        },
      ],
    });
    expect(keysetSort(order)).toEqual({ created_at: -1, _id: -1 });
  });

  it('refuses a cursor it did not issue with a 400 naming the field', () => {
    expect(() => afterCursor({}, order, 'garbage')).toThrow(ApiError);
    expect(() => afterCursor({}, order, Buffer.from('{"v":1}').toString('base64url'))).toThrow(
      /query.cursor/,
    );
  });
});
