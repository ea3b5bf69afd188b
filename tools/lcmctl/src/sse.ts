/** One server-sent event as the control plane frames it (docs/architecture.md, "Live updates"). */
export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * Splits an SSE byte stream into events (the `event:`, `data:` and `id:` fields of the
 * text/event-stream format; comments and unknown fields are skipped).
 */
export async function* readEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event: { id?: string; event: string; data: string[] } = { event: 'message', data: [] };
      for (const line of frame.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'data') event.data.push(value);
        else if (field === 'id') event.id = value;
      }
      if (event.data.length === 0) continue;
      const text = event.data.join('\n');
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {
        // Not JSON: handed on as text.
      }
      yield { ...(event.id ? { id: event.id } : {}), event: event.event, data };
    }
  }
}
