import { readEvents } from './sse';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const part of parts) yield encoder.encode(part);
}

describe('readEvents', () => {
  it('splits frames across chunk boundaries and parses JSON data', async () => {
    const events = [];
    for await (const event of readEvents(
      chunks(
        'event: connected\ndata: {"client_id":"c1"}\n\nid: 7\nevent: lablet_session.created\nda',
        'ta: {"session":{"id":"s1"}}\n\n: comment\n\n',
      ),
    ))
      events.push(event);
    expect(events).toEqual([
      { event: 'connected', data: { client_id: 'c1' } },
      { id: '7', event: 'lablet_session.created', data: { session: { id: 's1' } } },
    ]);
  });

  it('joins multi-line data and keeps non-JSON data as text', async () => {
    const events = [];
    for await (const event of readEvents(chunks('data: line one\ndata: line two\n\n'))) events.push(event);
    expect(events).toEqual([{ event: 'message', data: 'line one\nline two' }]);
  });
});
