import { CURSOR_PATTERN, encodeCursor } from '@lcm/contracts';
import { afterCursor, decodeCursor, InvalidCursorError, keysetSort, pageOf } from './page-cursor';

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
    expect(() => afterCursor({}, order, 'garbage')).toThrow(InvalidCursorError);
    expect(() => afterCursor({}, order, Buffer.from('{"v":1}').toString('base64url'))).toThrow(
      /query.cursor/,
    );
    expect(() => afterCursor({}, order, '00.61')).toThrow(/query.cursor/);
  });

  it('continues from any text of the documented cursor shape, as from one it issued', () => {
    const cursor = encodeCursor('2030-01-01T00:00:01.000Z', 'a');
    expect(cursor).toMatch(new RegExp(CURSOR_PATTERN));
    expect(decodeCursor(cursor)).toEqual({ v: '2030-01-01T00:00:01.000Z', id: 'a' });
    // A text of the shape that this server never issued is still a position (here: before "é", after "b").
    expect(decodeCursor('c3a9.62')).toEqual({ v: 'é', id: 'b' });
    expect(decodeCursor('.01')).toEqual({ v: '', id: '\u0001' });
  });
});
