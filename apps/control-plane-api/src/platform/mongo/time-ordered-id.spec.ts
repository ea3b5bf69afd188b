import { z } from 'zod';
import { timeOrderedUuid } from './time-ordered-id';

describe('timeOrderedUuid', () => {
  it('makes valid version 7 UUIDs', () => {
    const id = timeOrderedUuid();
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('7');
  });

  it('sorts in creation order, also within one millisecond', () => {
    const at = Date.parse('2026-11-22T10:00:00Z');
    const ids = [timeOrderedUuid(at), timeOrderedUuid(at), timeOrderedUuid(at), timeOrderedUuid(at + 1)];
    expect([...ids].sort()).toEqual(ids);
  });
});
