import { SSE_STREAM_PATH } from '@lcm/contracts';

export interface SseFrame {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/**
 * A small EventSource over fetch for tests: reads the stream route of one control plane with a
 * development token in the query string (optionally resuming with Last-Event-ID) and collects
 * the parsed frames until closed.
 */
export class SseReader {
  readonly frames: SseFrame[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  /**
   * `resumeVia: 'query'` passes the last event id as the `last_event_id` parameter, as the
   * dashboard does when it reconnects with a new EventSource (which cannot set the header).
   */
  static async open(
    baseUrl: string,
    accessToken: string,
    lastEventId?: string,
    resumeVia: 'header' | 'query' = 'header',
  ): Promise<SseReader> {
    const reader = new SseReader();
    const resumeQuery =
      lastEventId && resumeVia === 'query' ? `&last_event_id=${encodeURIComponent(lastEventId)}` : '';
    const response = await fetch(
      `${baseUrl}${SSE_STREAM_PATH}?access_token=${encodeURIComponent(accessToken)}${resumeQuery}`,
      {
        signal: reader.controller.signal,
        headers: lastEventId && resumeVia === 'header' ? { 'last-event-id': lastEventId } : {},
      },
    );
    if (!response.ok || !response.body) throw new Error(`SSE stream answered ${response.status}`);
    reader.done = reader.pump(response.body);
    await reader.waitFor((frame) => frame.event === 'connected');
    return reader;
  }

  /** Resolves with the first frame (seen or yet to come) matching the predicate. */
  async waitFor(predicate: (frame: SseFrame) => boolean, timeoutMs = 10_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no matching SSE frame within ${timeoutMs} ms; saw ${this.frames.map((f) => f.event).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done.catch(() => undefined);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Partial<SseFrame> & { lines: string[] } = { lines: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) frame.lines.push(line.slice(6));
        }
        if (frame.event)
          this.frames.push({
            id: frame.id,
            event: frame.event,
            data: JSON.parse(frame.lines.join('\n') || '{}'),
          });
      }
    }
  }
}
