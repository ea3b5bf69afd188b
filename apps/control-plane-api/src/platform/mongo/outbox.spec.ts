import { type OutboxEntry, receiptId, receiptsOf } from './outbox';

describe('outbox receipts', () => {
  const entry: OutboxEntry = {
    version: 7,
    at: '2026-12-01T05:00:00.000Z',
    actor: 'ops',
    correlation_id: null,
    events: [0, 1, 2].map((index) => ({
      type: `test.event_${index}`,
      aggregate_type: 'lablet_session' as const,
      aggregate_id: 's-1',
      occurred_at: '2026-12-01T05:00:00.000Z',
      payload: {},
    })),
  };

  it('gives every event of an entry the same audit id on every delivery, distinct per event and entry', () => {
    const first = receiptsOf('lablet_sessions', 's-1', entry).map((event) => receiptId(event.receipt!));
    const again = receiptsOf('lablet_sessions', 's-1', entry).map((event) => receiptId(event.receipt!));
    const next = receiptsOf('lablet_sessions', 's-1', { ...entry, version: 8 }).map((event) =>
      receiptId(event.receipt!),
    );
    expect(again).toEqual(first);
    expect(new Set([...first, ...next]).size).toBe(6);
    expect(
      first.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)),
    ).toBe(true);
  });

  it('orders the ids of one entry like its events, and entries by commit time', () => {
    const ids = receiptsOf('lablet_sessions', 's-1', entry).map((event) => receiptId(event.receipt!));
    expect([...ids].sort()).toEqual(ids);
    const later = receiptsOf('lablet_sessions', 's-1', {
      ...entry,
      version: 8,
      at: '2026-12-01T05:00:00.001Z',
    });
    expect(receiptId(later[0]!.receipt!) > ids[2]!).toBe(true);
  });
});
