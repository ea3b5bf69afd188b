import { request, type ClientRequest } from 'node:http';

export interface SseFrame {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** A minimal SSE reader for tests: collects every frame and lets a test wait for one. */
export class SseTestClient {
  readonly frames: SseFrame[] = [];
  private request?: ClientRequest;
  private buffer = '';

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.request = request(
        this.url,
        { headers: { accept: 'text/event-stream', ...this.headers } },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`SSE answered ${response.statusCode}`));
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => this.read(chunk));
          resolve();
        },
      );
      this.request.on('error', (error) => (this.request?.destroyed ? undefined : reject(error)));
      this.request.end();
    });
  }

  async next(predicate: (frame: SseFrame) => boolean, timeoutMs = 15_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no matching SSE frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.event).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.request?.destroy();
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      if (fields['event'])
        this.frames.push({
          id: fields['id'],
          event: fields['event'],
          data: JSON.parse(fields['data'] ?? '{}'),
        });
      end = this.buffer.indexOf('\n\n');
    }
  }
}
