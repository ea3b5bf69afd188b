import { randomUUID } from 'node:crypto';
import { type ServerResponse } from 'node:http';
import {
  type ChangeEvent,
  type ChangeEventBus,
  type SequencedChangeEvent,
} from '../../platform/change-events/change-event-bus';

export interface SseStreamOptions {
  heartbeatMs: number;
  now: () => Date;
}

function frame(type: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One client's event stream (spec §8.2): `connected`, then either the events it missed since
 * Last-Event-ID (when all of them are still in the replay window) or a fresh snapshot, then live
 * events and a heartbeat. Live events that arrive while the replay is read are buffered and sent
 * after it, each exactly once and in order.
 */
export class SseStream {
  private lastSentId = 0;
  private readonly buffered: SequencedChangeEvent[] = [];
  private replaying = true;
  private unsubscribe?: () => void;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly response: ServerResponse,
    private readonly bus: ChangeEventBus,
    private readonly snapshot: () => Promise<ChangeEvent[]>,
    private readonly options: SseStreamOptions,
  ) {}

  async open(lastEventId: number | undefined): Promise<void> {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.response.on('close', () => this.close());
    this.unsubscribe = this.bus.subscribe((event) =>
      this.replaying ? this.buffered.push(event) : this.send(event),
    );
    this.write(
      frame('connected', {
        client_id: randomUUID(),
        server_time: this.options.now().toISOString(),
        heartbeat_interval_seconds: Math.round(this.options.heartbeatMs / 1000),
      }),
    );

    const replay = lastEventId === undefined ? null : await this.bus.replaySince(lastEventId);
    if (replay?.complete) {
      this.lastSentId = lastEventId ?? 0;
      replay.events.forEach((event) => this.send(event));
    } else {
      for (const event of await this.snapshot()) this.write(frame(event.type, event.data));
    }
    this.replaying = false;
    this.buffered.splice(0).forEach((event) => this.send(event));
    this.heartbeat = setInterval(
      () => this.write(frame('heartbeat', { at: this.options.now().toISOString() })),
      this.options.heartbeatMs,
    );
  }

  /** Tells the client the server is going away, so it reconnects elsewhere at once. */
  shutdown(reason: string | null): void {
    this.write(frame('system.sse.shutdown', { reason }));
    this.response.end();
    this.close();
  }

  private send(event: SequencedChangeEvent): void {
    if (event.id <= this.lastSentId) return;
    this.lastSentId = event.id;
    this.write(frame(event.event.type, { ...event.event.data, at: event.event.at }, event.id));
  }

  private write(chunk: string): void {
    if (!this.response.writableEnded) this.response.write(chunk);
  }

  private close(): void {
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}
